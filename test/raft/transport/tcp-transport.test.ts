import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ManualClock } from '../../../src/base/clock.ts';
import { parseAddress } from '../../../src/raft/transport/socket-layer.ts';
import { TcpTransport } from '../../../src/raft/transport/tcp-transport.ts';
import { aMessage, normalized, numberedMessages } from './message-builder.ts';
import { CountingSocketLayer, expectNoTcpHandles, startMember, startPair } from './tcp-harness.ts';

const opened: TcpTransport[] = [];
const track = <T extends { transport: TcpTransport }>(member: T): T => {
  opened.push(member.transport);
  return member;
};

afterEach(async () => {
  await Promise.all(opened.splice(0).map((t) => t.close()));
  await expectNoTcpHandles();
});

async function pair(options: Parameters<typeof startPair>[0] = {}) {
  const p = await startPair(options);
  track(p.a);
  track(p.b);
  return p;
}

describe('TcpTransport', { timeout: 20_000 }, () => {
  it('carries many messages both ways on loopback, in order and intact', async () => {
    const { a, b } = await pair();
    const toB = numberedMessages(1, 2, 2000, 64);
    const toA = numberedMessages(2, 1, 2000, 64);
    for (let i = 0; i < toB.length; i += 100) {
      a.transport.send(toB.slice(i, i + 100));
      b.transport.send(toA.slice(i, i + 100));
    }
    await Promise.all([b.inbox.messagesReach(2000), a.inbox.messagesReach(2000)]);
    assert.deepEqual(b.inbox.messages.map(normalized), toB.map(normalized));
    assert.deepEqual(a.inbox.messages.map(normalized), toA.map(normalized));
    assert.deepEqual([...a.inbox.unreachable, ...b.inbox.unreachable], []);
  });

  it('carries snapshots, contexts and large entries', async () => {
    const { a, b } = await pair();
    const big = new Uint8Array(3 * 1024 * 1024).map((_, i) => i % 251);
    const message = aMessage({
      type: 'snap',
      snapshot: {
        metadata: { index: 9, term: 2, confState: { voters: [1, 2], learners: [3] } },
        data: big,
      },
      context: Uint8Array.of(7, 7),
      entries: [{ term: 2, index: 10, type: 'confChange', data: big.subarray(0, 1000) }],
    });
    a.transport.send([message]);
    await b.inbox.messagesReach(1);
    assert.deepEqual(normalized(b.inbox.messages[0]!), normalized(message));
  });

  it('writes everything queued for a peer in one event-loop turn as a single buffer', async () => {
    const layer = new CountingSocketLayer();
    const { a, b } = await pair({ socketLayer: layer });
    a.transport.send(numberedMessages(1, 2, 500));
    await b.inbox.messagesReach(500);
    assert.equal(layer.writes, 1, 'the hello and 500 frames go out together');
    for (const batch of [
      numberedMessages(1, 2, 10),
      numberedMessages(1, 2, 10),
      numberedMessages(1, 2, 10),
    ]) {
      a.transport.send(batch);
    }
    await b.inbox.messagesReach(530);
    assert.equal(layer.writes, 2, 'three sends in one turn make one write');
  });

  it('reconnects after the peer restarts on the same port, after the backoff', async () => {
    const layer = new CountingSocketLayer();
    const { clock, a, b } = await pair({
      socketLayer: layer,
      backoff: { initialMs: 50, maxMs: 400 },
    });
    a.transport.send([aMessage({ index: 1 })]);
    await b.inbox.messagesReach(1);
    const port = parseAddress(b.transport.address).port;
    await b.transport.close();
    await a.inbox.unreachableReach(1);
    assert.deepEqual(a.inbox.unreachable, [2]);

    const restarted = track(await startMember(2, clock, { port }));
    a.transport.send([aMessage({ index: 2 }), aMessage({ index: 3 })]);
    clock.advance(49);
    assert.equal(layer.connects, 1, 'no new attempt before the backoff');
    clock.advance(1);
    assert.equal(layer.connects, 2);
    await restarted.inbox.messagesReach(2);
    assert.deepEqual(
      restarted.inbox.messages.map((m) => m.index),
      [2, 3],
    );
  });

  it('reports a peer unreachable when nothing listens at its address, and retries with backoff', async () => {
    const clock = new ManualClock();
    const layer = new CountingSocketLayer();
    const a = track(
      await startMember(1, clock, { socketLayer: layer, backoff: { initialMs: 100, maxMs: 300 } }),
    );
    const gone = await startMember(2, clock);
    const address = gone.transport.address;
    await gone.transport.close();
    a.transport.setPeer(2, address);
    a.transport.send([aMessage()]);
    await a.inbox.unreachableReach(1);
    for (const [wait, total] of [
      [100, 2],
      [200, 3],
      [300, 4],
      [300, 5],
    ] as const) {
      clock.advance(wait - 1);
      assert.equal(layer.connects, total - 1, `no attempt ${total} before ${wait} ms`);
      clock.advance(1);
      assert.equal(layer.connects, total);
      await a.inbox.unreachableReach(total);
    }
    assert.deepEqual(new Set(a.inbox.unreachable), new Set([2]));
  });

  it('reports unknown peers unreachable without throwing, and ignores messages to itself', async () => {
    const clock = new ManualClock();
    const a = track(await startMember(1, clock));
    a.transport.send([aMessage({ to: 7 }), aMessage({ to: 7 }), aMessage({ to: 1 })]);
    assert.deepEqual(a.inbox.unreachable, []);
    await a.inbox.unreachableReach(1);
    assert.deepEqual(a.inbox.unreachable, [7]);
  });

  it('drops the oldest messages when a peer queue is full, and reports the peer', async () => {
    const clock = new ManualClock();
    const b = track(await startMember(2, clock));
    const a = track(
      await startMember(1, clock, {
        maxQueuedMessages: 3,
        backoff: { initialMs: 100, maxMs: 100 },
      }),
    );
    const port = parseAddress(b.transport.address).port;
    await b.transport.close();
    a.transport.setPeer(2, `127.0.0.1:${port}`);
    a.transport.send([aMessage({ index: 1 })]);
    await a.inbox.unreachableReach(1);
    a.transport.send(numberedMessages(1, 2, 10).slice(1));
    await a.inbox.unreachableReach(2);
    const back = track(await startMember(2, clock, { port }));
    clock.advance(100);
    await back.inbox.messagesReach(3);
    assert.deepEqual(
      back.inbox.messages.map((m) => m.index),
      [8, 9, 10],
    );
  });

  it('dials the new address when a peer moves, and forgets a removed peer', async () => {
    const { clock, a, b } = await pair();
    const moved = track(await startMember(2, clock));
    a.transport.setPeer(2, moved.transport.address);
    a.transport.send([aMessage({ index: 1 })]);
    await moved.inbox.messagesReach(1);
    assert.equal(b.inbox.messages.length, 0);
    a.transport.removePeer(2);
    a.transport.send([aMessage({ index: 2 })]);
    await a.inbox.unreachableReach(1);
    assert.equal(moved.inbox.messages.length, 1);
  });

  it('closes cleanly mid-connection: no socket, no timer, no delivery afterwards', async () => {
    const clock = new ManualClock();
    const layer = new CountingSocketLayer();
    const a = track(await startMember(1, clock, { socketLayer: layer }));
    const b = track(await startMember(2, clock, { socketLayer: layer }));
    a.transport.setPeer(2, b.transport.address);
    b.transport.setPeer(1, a.transport.address);
    a.transport.send([aMessage()]);
    await b.inbox.messagesReach(1);
    b.transport.send([aMessage({ from: 2, to: 1 })]);
    await Promise.all([a.transport.close(), b.transport.close(), a.transport.close()]);
    a.transport.send([aMessage()]);
    await expectNoTcpHandles();
    assert.equal(clock.pending(), 0);
    assert.throws(() => new TcpTransport({ id: 3 }, { clock }).address, /start\(\)/);
    await assert.rejects(a.transport.start(), /closed/);
  });
});
