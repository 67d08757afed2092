import assert from 'node:assert/strict';
import net from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { encodeMessage } from '../../../src/raft/codec/index.ts';
import { FrameKind, encodeFrames, encodeHello } from '../../../src/raft/transport/frame.ts';
import { parseAddress } from '../../../src/raft/transport/socket-layer.ts';
import type { TcpTransport } from '../../../src/raft/transport/tcp-transport.ts';
import { aMessage } from './message-builder.ts';
import { CountingSocketLayer, expectNoTcpHandles, startPair } from './tcp-harness.ts';

const opened: TcpTransport[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((t) => t.close()));
  await expectNoTcpHandles();
});

async function pairWithLayer() {
  const layer = new CountingSocketLayer();
  const p = await startPair({ socketLayer: layer, maxFrameBytes: 1024, handshakeTimeoutMs: 1000 });
  opened.push(p.a.transport, p.b.transport);
  return { ...p, layer };
}

/** Dials `address` raw, writes `bytes`, and resolves with what was received once the server closes. */
function rawExchange(address: string, bytes: Buffer): Promise<void> {
  const { host, port } = parseAddress(address);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port }, () => socket.write(bytes));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // The server may reset the connection while we still write: that is a close too.
      if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') reject(err);
    });
    socket.on('close', () => resolve());
    socket.resume();
  });
}

const hello = (from: number, to: number) => ({
  kind: FrameKind.hello,
  body: encodeHello({ from, to }),
});
const message = (from: number, to: number) => ({
  kind: FrameKind.message,
  body: encodeMessage(aMessage({ from, to })),
});

describe('InboundConnection', { timeout: 20_000 }, () => {
  const cases: [string, Buffer][] = [
    ['garbage length', Buffer.from([0xff, 0xff, 0xff, 0x7f, 1, 2, 3])],
    ['a zero-length frame', Buffer.from([0, 0, 0, 0])],
    ['a message before the hello', encodeFrames([message(1, 2)])],
    ['a hello for another member', encodeFrames([hello(1, 3)])],
    [
      'a hello with a bad magic',
      encodeFrames([{ kind: FrameKind.hello, body: Buffer.from([1, 2, 3, 4, 1, 1, 2]) }]),
    ],
    ['a second hello', encodeFrames([hello(1, 2), hello(1, 2)])],
    [
      'an undecodable message',
      encodeFrames([hello(1, 2), { kind: FrameKind.message, body: Buffer.from([200, 0]) }]),
    ],
    ['a message from someone other than the hello', encodeFrames([hello(1, 2), message(3, 2)])],
    ['a message to someone else', encodeFrames([hello(1, 2), message(1, 3)])],
  ];
  for (const [name, bytes] of cases) {
    it(`closes only the offending connection on ${name}`, async () => {
      const { a, b } = await pairWithLayer();
      a.transport.send([aMessage({ index: 1 })]);
      await b.inbox.messagesReach(1);
      await rawExchange(b.transport.address, bytes);
      a.transport.send([aMessage({ index: 2 })]);
      await b.inbox.messagesReach(2);
      assert.deepEqual(
        b.inbox.messages.map((m) => m.index),
        [1, 2],
      );
      assert.deepEqual(a.inbox.unreachable, [], 'the healthy stream was not disturbed');
    });
  }

  it('delivers valid messages that precede a malformed frame on the same stream', async () => {
    const { b } = await pairWithLayer();
    const good = encodeFrames([hello(1, 2), message(1, 2), message(1, 2)]);
    await rawExchange(b.transport.address, Buffer.concat([good, Buffer.from([0, 0, 0, 0])]));
    assert.equal(b.inbox.messages.length, 2);
  });

  it('closes a connection that never says hello once the handshake timeout passes', async () => {
    const { clock, b, layer } = await pairWithLayer();
    const closed = rawExchange(b.transport.address, Buffer.from([9, 0]));
    await layer.acceptedReach(1);
    clock.advance(999);
    assert.equal(layer.accepted[0]!.destroyed, false);
    clock.advance(1);
    await closed;
  });

  it('refuses a hello that acceptHello rejects, and the sender keeps reporting the peer', async () => {
    const p = await startPair({ acceptHello: (h) => h.from !== 1 });
    opened.push(p.a.transport, p.b.transport);
    p.a.transport.send([aMessage()]);
    await p.a.inbox.unreachableReach(1);
    p.b.transport.send([aMessage({ from: 2, to: 1 })]);
    await p.a.inbox.messagesReach(1);
    assert.equal(p.b.inbox.messages.length, 0);
  });

  it('survives a message handler that throws: the stream stays open', async () => {
    const { a, b } = await pairWithLayer();
    let calls = 0;
    let third: () => void = () => {};
    const thirdArrived = new Promise<void>((resolve) => (third = resolve));
    b.transport.onMessage(() => {
      if (++calls === 3) third();
      throw new Error('handler bug');
    });
    a.transport.send([aMessage(), aMessage()]);
    a.transport.send([aMessage()]);
    await thirdArrived;
    assert.deepEqual(a.inbox.unreachable, []);
  });
});
