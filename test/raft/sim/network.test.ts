import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRng } from '../../../src/base/rng.ts';
import type { Message } from '../../../src/raft/core/types.ts';
import { NO_LINK_FAULTS, SimNetwork } from './network.ts';
import type { LinkFaults } from './network.ts';

function msg(from: number, to: number, index = 0): Message {
  return {
    type: 'app',
    from,
    to,
    term: 1,
    logTerm: 0,
    index,
    entries: [],
    commit: 0,
    reject: false,
    rejectHint: 0,
  };
}

function network(faults: Partial<LinkFaults> = {}, capacity = 100): SimNetwork {
  return new SimNetwork(new SeededRng(1), { ...NO_LINK_FAULTS, ...faults }, capacity);
}

function drain(net: SimNetwork, now: number): number[] {
  const out: number[] = [];
  for (let f = net.take(now); f !== undefined; f = net.take(now)) out.push(f.message.index);
  return out;
}

test('a perfect network delivers every message once, in order', () => {
  const net = network();
  for (let i = 1; i <= 5; i++) assert.equal(net.send(msg(1, 2, i), 0, 1), 1);
  assert.deepEqual(drain(net, 0), [1, 2, 3, 4, 5]);
});

test('a one-way cut loses one direction only, until healed', () => {
  const net = network();
  net.cut(1, 2);
  assert.equal(net.send(msg(1, 2), 0, 1), 0);
  assert.equal(net.send(msg(2, 1), 0, 1), 1);
  assert.equal(net.isCut(1, 2), true);
  assert.equal(net.isCut(2, 1), false);
  net.healAll();
  assert.equal(net.send(msg(1, 2), 0, 1), 1);
});

test('a symmetric cut loses both directions', () => {
  const net = network();
  net.cutBoth(1, 3);
  assert.equal(net.send(msg(1, 3), 0, 1), 0);
  assert.equal(net.send(msg(3, 1), 0, 1), 0);
  assert.equal(net.cutCount, 2);
});

test('loss and duplication follow their rates', () => {
  const lossy = network({ drop: 1 });
  assert.equal(lossy.send(msg(1, 2), 0, 1), 0);
  const doubled = network({ duplicate: 1 });
  assert.equal(doubled.send(msg(1, 2, 7), 0, 1), 2);
  assert.deepEqual(drain(doubled, 0), [7, 7]);
});

test('a delayed message is not due before its step, and released delays make it due', () => {
  const net = network({ delay: 1, maxDelay: 10 });
  net.send(msg(1, 2, 1), 0, 1);
  assert.equal(net.take(0), undefined);
  assert.deepEqual(drain(net, 11), [1]);
  net.send(msg(1, 2, 2), 0, 1);
  net.releaseDelays();
  assert.deepEqual(drain(net, 0), [2]);
});

test('reordering delivers the same messages in another order', () => {
  const net = network({ reorder: 1 });
  for (let i = 1; i <= 6; i++) net.send(msg(1, 2, i), 0, 1);
  const order = drain(net, 0);
  assert.deepEqual([...order].sort(), [1, 2, 3, 4, 5, 6]);
  assert.notDeepEqual(order, [1, 2, 3, 4, 5, 6]);
});

test('a full queue loses new messages', () => {
  const net = network({}, 2);
  assert.equal(net.send(msg(1, 2), 0, 1), 1);
  assert.equal(net.send(msg(1, 2), 0, 1), 1);
  assert.equal(net.send(msg(1, 2), 0, 1), 0);
  assert.equal(net.size, 2);
});
