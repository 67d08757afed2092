import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../../src/base/clock.ts';
import { SeededRng } from '../../../src/base/rng.ts';
import type { Message, NodeId } from '../../../src/raft/core/types.ts';
import { MemoryNetwork } from '../../../src/raft/transport/memory-transport.ts';
import type { MemoryTransport } from '../../../src/raft/transport/memory-transport.ts';
import { ManualScheduler } from '../../../src/raft/transport/scheduler.ts';
import { aMessage, normalized, numberedMessages } from './message-builder.ts';

interface Member {
  readonly transport: MemoryTransport;
  readonly received: Message[];
  readonly unreachable: NodeId[];
}

function cluster(ids: readonly NodeId[], options: { encode?: boolean } = {}) {
  const scheduler = new ManualScheduler();
  const clock = new ManualClock();
  const network = new MemoryNetwork({ schedule: scheduler.schedule, clock, ...options });
  const members = new Map<NodeId, Member>();
  for (const id of ids) {
    const member: Member = { transport: network.endpoint(id), received: [], unreachable: [] };
    member.transport.onMessage((m) => member.received.push(m));
    member.transport.onUnreachable((p) => member.unreachable.push(p));
    members.set(id, member);
  }
  const at = (id: NodeId): Member => members.get(id)!;
  /** Sends one message from → to for each pair, then runs the scheduler dry. */
  const exchange = (pairs: readonly [NodeId, NodeId][]): void => {
    for (const [from, to] of pairs) at(from).transport.send([aMessage({ from, to })]);
    scheduler.runAll();
  };
  const got = (id: NodeId): string[] => at(id).received.map((m) => `${m.from}>${m.to}`);
  return { scheduler, clock, network, at, exchange, got };
}

describe('MemoryNetwork delivery', () => {
  it('delivers later, never inside send, and keeps the order of a link', () => {
    const { scheduler, at } = cluster([1, 2]);
    at(1).transport.send(numberedMessages(1, 2, 50));
    assert.equal(at(2).received.length, 0);
    scheduler.runAll();
    assert.deepEqual(
      at(2).received.map((m) => m.index),
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
  });

  it('hands the receiver a decoded copy by default, and the same object when encode is false', () => {
    const original = numberedMessages(1, 2, 1)[0]!;
    for (const encode of [true, false]) {
      const { scheduler, at } = cluster([1, 2], { encode });
      at(1).transport.send([original]);
      scheduler.runAll();
      const got = at(2).received[0]!;
      assert.deepEqual(normalized(got), normalized(original));
      assert.equal(got === original, !encode);
    }
  });

  it('uses setImmediate when no scheduler is given', async () => {
    const network = new MemoryNetwork();
    const a = network.endpoint(1);
    const b = network.endpoint(2);
    const arrived = new Promise<Message>((resolve) => b.onMessage(resolve));
    a.send([aMessage()]);
    assert.equal((await arrived).from, 1);
    await Promise.all([a.close(), b.close()]);
  });

  it('refuses a second open endpoint for one member, and allows it after close', async () => {
    const { network, at } = cluster([1]);
    assert.throws(() => network.endpoint(1), /already has an open endpoint/);
    await at(1).transport.close();
    assert.equal(network.endpoint(1).id, 1);
  });
});

describe('MemoryNetwork faults', () => {
  it('isolate cuts every link to and from one member until heal', () => {
    const { network, exchange, got, at } = cluster([1, 2, 3]);
    network.isolate(1);
    exchange([
      [1, 2],
      [2, 1],
      [3, 1],
      [2, 3],
    ]);
    assert.deepEqual(got(1), []);
    assert.deepEqual(got(2), []);
    assert.deepEqual(got(3), ['2>3']);
    assert.deepEqual(at(2).unreachable, [1]);
    network.heal();
    exchange([
      [1, 2],
      [2, 1],
    ]);
    assert.deepEqual(got(1), ['2>1']);
    assert.deepEqual(got(2), ['1>2']);
  });

  it('partition cuts both ways between the groups and leaves each group whole', () => {
    const { network, exchange, got } = cluster([1, 2, 3, 4]);
    network.partition([1, 2], [3, 4]);
    exchange([
      [1, 2],
      [1, 3],
      [4, 2],
      [3, 4],
      [2, 1],
      [4, 1],
    ]);
    assert.deepEqual(got(1), ['2>1']);
    assert.deepEqual(got(2), ['1>2']);
    assert.deepEqual(got(3), []);
    assert.deepEqual(got(4), ['3>4']);
  });

  it('cut is one-way', () => {
    const { network, exchange, got, at } = cluster([1, 2]);
    network.cut(1, 2);
    exchange([
      [1, 2],
      [2, 1],
    ]);
    assert.deepEqual(got(2), []);
    assert.deepEqual(got(1), ['2>1']);
    assert.deepEqual(at(1).unreachable, [2]);
    assert.deepEqual(at(2).unreachable, []);
  });

  it('a partition also loses messages already in flight', () => {
    const { network, scheduler, at } = cluster([1, 2]);
    at(1).transport.send([aMessage()]);
    network.isolate(2);
    scheduler.runAll();
    assert.equal(at(2).received.length, 0);
    assert.equal(network.stats.dropped, 1);
  });

  it('drop loses a seeded share of messages, reports none, and replays identically', () => {
    const run = (): number[] => {
      const { network, scheduler, at } = cluster([1, 2]);
      network.drop(0.3, new SeededRng(7));
      at(1).transport.send(numberedMessages(1, 2, 1000));
      scheduler.runAll();
      assert.deepEqual(at(1).unreachable, []);
      assert.equal(network.stats.dropped + network.stats.delivered, 1000);
      return at(2).received.map((m) => m.index);
    };
    const first = run();
    assert.ok(first.length > 600 && first.length < 800, `delivered ${first.length} of 1000`);
    assert.deepEqual(run(), first);
    assert.throws(() => new MemoryNetwork().drop(1.5, new SeededRng(1)), RangeError);
  });

  it('delay holds messages on the clock and never reorders a link when it shrinks', () => {
    const { network, scheduler, clock, at } = cluster([1, 2]);
    network.delay(100);
    at(1).transport.send([aMessage({ index: 1 })]);
    clock.advance(50);
    network.heal();
    at(1).transport.send([aMessage({ index: 2 })]);
    scheduler.runAll();
    clock.advance(49);
    assert.deepEqual(at(2).received, []);
    clock.advance(1);
    scheduler.runAll();
    assert.deepEqual(
      at(2).received.map((m) => m.index),
      [1, 2],
    );
    at(1).transport.send([aMessage({ index: 3 })]);
    scheduler.runAll();
    assert.equal(at(2).received.length, 3);
    assert.equal(clock.pending(), 0);
  });

  it('reports unknown, closed and removed members unreachable, asynchronously and once per send', async () => {
    const { scheduler, at } = cluster([1, 2]);
    at(1).transport.send([aMessage({ to: 9 }), aMessage({ to: 9 })]);
    assert.deepEqual(at(1).unreachable, []);
    scheduler.runAll();
    assert.deepEqual(at(1).unreachable, [9]);
    at(1).transport.removePeer(2);
    at(1).transport.send([aMessage()]);
    scheduler.runAll();
    assert.deepEqual(at(1).unreachable, [9, 2]);
    at(1).transport.setPeer(2, 'ignored');
    await at(2).transport.close();
    at(1).transport.send([aMessage()]);
    scheduler.runAll();
    assert.deepEqual(at(1).unreachable, [9, 2, 2]);
  });

  it('a closed endpoint neither sends nor receives', async () => {
    const { network, scheduler, at } = cluster([1, 2]);
    at(2).transport.send([aMessage({ from: 2, to: 1 })]);
    await at(1).transport.close();
    at(1).transport.send([aMessage()]);
    scheduler.runAll();
    assert.deepEqual(at(1).received, []);
    assert.deepEqual(at(2).received, []);
    assert.deepEqual(network.stats, { sent: 1, delivered: 0, dropped: 1 });
  });
});

describe('ManualScheduler', () => {
  it('runs tasks in order, including those scheduled while running, and stops a livelock', () => {
    const scheduler = new ManualScheduler();
    const order: number[] = [];
    scheduler.schedule(() => {
      order.push(1);
      scheduler.schedule(() => order.push(3));
    });
    scheduler.schedule(() => order.push(2));
    assert.equal(scheduler.pending, 2);
    assert.equal(scheduler.runAll(), 3);
    assert.deepEqual(order, [1, 2, 3]);
    const forever = (): void => scheduler.schedule(forever);
    forever();
    assert.throws(() => scheduler.runAll(10), /still busy after 10 tasks/);
  });
});
