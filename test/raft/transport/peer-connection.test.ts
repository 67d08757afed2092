import assert from 'node:assert/strict';
import type { Duplex } from 'node:stream';
import { describe, it } from 'node:test';
import { ManualClock } from '../../../src/base/clock.ts';
import type { NodeId } from '../../../src/raft/core/types.ts';
import { PeerConnection } from '../../../src/raft/transport/peer-connection.ts';
import type { SocketLayer } from '../../../src/raft/transport/socket-layer.ts';
import { silentLogger } from '../../../src/base/logger.ts';
import { aMessage } from './message-builder.ts';

/** A socket layer whose connection attempts stay pending until the test settles them. */
class GatedSocketLayer implements SocketLayer {
  readonly attempts: { signal: AbortSignal; reject: (err: Error) => void }[] = [];
  syncThrow = false;

  connect(_address: string, signal: AbortSignal): Promise<Duplex> {
    if (this.syncThrow) throw new Error('layer bug');
    return new Promise((_resolve, reject) => {
      this.attempts.push({ signal, reject });
      signal.addEventListener('abort', () => reject(new Error('aborted')));
    });
  }

  listen(): never {
    throw new Error('not used');
  }
}

function connection(layer: SocketLayer, clock: ManualClock, unreachable: NodeId[]) {
  return new PeerConnection({
    localId: 1,
    peerId: 2,
    address: '127.0.0.1:1',
    socketLayer: layer,
    maxQueuedMessages: 10,
    maxFrameBytes: 1 << 20,
    backoff: { initialMs: 10, maxMs: 40 },
    connectTimeoutMs: 500,
    clock,
    logger: silentLogger,
    onUnreachable: (p) => unreachable.push(p),
  });
}

const microtasks = () => new Promise((resolve) => setImmediate(resolve));

describe('PeerConnection', () => {
  it('dials once however many messages queue, abandons a slow attempt at the timeout, and backs off', async () => {
    const clock = new ManualClock();
    const layer = new GatedSocketLayer();
    const unreachable: NodeId[] = [];
    const peer = connection(layer, clock, unreachable);
    peer.enqueue([aMessage()]);
    peer.enqueue([aMessage(), aMessage()]);
    assert.equal(layer.attempts.length, 1);
    assert.equal(peer.queued, 3);
    clock.advance(500);
    assert.equal(layer.attempts[0]!.signal.aborted, true);
    await microtasks();
    assert.deepEqual(unreachable, [2]);
    clock.advance(10);
    assert.equal(layer.attempts.length, 2, 'retried after the first backoff step');
    layer.attempts[1]!.reject(new Error('refused'));
    await microtasks();
    clock.advance(19);
    assert.equal(layer.attempts.length, 2);
    clock.advance(1);
    assert.equal(layer.attempts.length, 3, 'second backoff step doubled');
    peer.close();
    assert.equal(layer.attempts[2]!.signal.aborted, true);
    await microtasks();
    assert.equal(clock.pending(), 0, 'close leaves no timer behind');
    assert.deepEqual(unreachable, [2, 2]);
  });

  it('ignores messages once closed', async () => {
    const clock = new ManualClock();
    const layer = new GatedSocketLayer();
    const peer = connection(layer, clock, []);
    peer.enqueue([aMessage()]);
    peer.close();
    await microtasks();
    peer.enqueue([aMessage()]);
    assert.equal(layer.attempts.length, 1);
    assert.equal(peer.queued, 0);
  });

  it('turns a socket layer that throws into an unreachable report, never a throw from enqueue', async () => {
    const clock = new ManualClock();
    const layer = new GatedSocketLayer();
    layer.syncThrow = true;
    const unreachable: NodeId[] = [];
    const peer = connection(layer, clock, unreachable);
    peer.enqueue([aMessage()]);
    await microtasks();
    assert.deepEqual(unreachable, [2]);
    assert.equal(peer.connected, false);
    peer.close();
    assert.equal(clock.pending(), 0);
  });
});
