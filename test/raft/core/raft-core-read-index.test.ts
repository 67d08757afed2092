import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ReadState } from '../../../src/raft/core/types.ts';
import { bytes, drain, electLeader, fixture, msg, sent } from './support/core-fixture.ts';
import { Network } from './support/network.ts';

/** Runs the network and collects the ReadStates `id` emits. */
function readsOf(net: Network, id: number): ReadState[] {
  const out: ReadState[] = [];
  const node = net.node(id);
  const core = node.core;
  for (let i = 0; i < 100 && core.hasReady(); i++) {
    const rd = core.ready();
    out.push(...rd.readStates);
    node.storage.append(rd.entries);
    if (rd.hardState !== undefined) node.storage.setHardState(rd.hardState);
    net.queue.push(...rd.messages);
    core.advance(rd);
    net.deliverAll();
    net.stabilizeExcept(id);
  }
  return out;
}

const text = (r: ReadState) => [r.index, new TextDecoder().decode(r.requestCtx)];

describe('RaftCore ReadIndex', () => {
  test('the leader confirms leadership with a heartbeat round before answering', () => {
    const f = fixture(1, { preVote: false });
    electLeader(f);
    drain(f);
    f.core.step(msg({ type: 'appResp', from: 2, to: 1, term: 2, index: 4 }));
    drain(f);
    f.core.readIndex(bytes('r1'));
    const rd = drain(f);
    assert.deepEqual(rd.readStates, []);
    assert.deepEqual(
      rd.messages.map((m) => [m.type, m.to, new TextDecoder().decode(m.context)]),
      [
        ['heartbeat', 2, 'r1'],
        ['heartbeat', 3, 'r1'],
      ],
    );
    f.core.step(msg({ type: 'heartbeatResp', from: 3, to: 1, term: 2, context: bytes('r1') }));
    assert.deepEqual(drain(f).readStates.map(text), [[4, 'r1']]);
  });

  test('an isolated leader never answers a read', () => {
    const net = new Network([1, 2, 3], { checkQuorum: false });
    net.elect(1);
    net.isolate(1);
    net.core(1).readIndex(bytes('r'));
    net.tick(1, 5);
    assert.deepEqual(readsOf(net, 1), []);
  });

  test('a new leader defers reads until it has committed an entry of its term', () => {
    const f = fixture(1, { preVote: false });
    electLeader(f);
    drain(f);
    f.core.readIndex(bytes('early'));
    assert.deepEqual(sent(f, 'heartbeat'), [], 'nothing is confirmed yet');
    f.core.step(msg({ type: 'appResp', from: 2, to: 1, term: 2, index: 4 }));
    const beats = sent(f, 'heartbeat');
    assert.deepEqual(
      beats.map((m) => new TextDecoder().decode(m.context)),
      ['early', 'early'],
    );
    f.core.step(msg({ type: 'heartbeatResp', from: 2, to: 1, term: 2, context: bytes('early') }));
    assert.deepEqual(drain(f).readStates.map(text), [[4, 'early']]);
  });

  test('one acknowledged round answers every read queued before it', () => {
    const f = fixture(1, { preVote: false });
    electLeader(f);
    f.core.step(msg({ type: 'appResp', from: 2, to: 1, term: 2, index: 4 }));
    drain(f);
    f.core.readIndex(bytes('a'));
    f.core.readIndex(bytes('b'));
    drain(f);
    f.core.step(msg({ type: 'heartbeatResp', from: 2, to: 1, term: 2, context: bytes('b') }));
    assert.deepEqual(drain(f).readStates.map(text), [
      [4, 'a'],
      [4, 'b'],
    ]);
  });

  test('a follower forwards the read and receives the read state from the leader', () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    net.propose(1, 'x');
    net.core(2).readIndex(bytes('f'));
    const reads = readsOf(net, 2);
    assert.deepEqual(reads.map(text), [[5, 'f']]);
  });

  test('leaseBased reads are answered at once, relying on check-quorum', () => {
    const f = fixture(1, { preVote: false, readOnlyOption: 'leaseBased', checkQuorum: true });
    electLeader(f);
    f.core.step(msg({ type: 'appResp', from: 2, to: 1, term: 2, index: 4 }));
    drain(f);
    f.core.readIndex(bytes('l'));
    assert.deepEqual(drain(f).readStates.map(text), [[4, 'l']]);
    assert.throws(
      () => fixture(1, { readOnlyOption: 'leaseBased', checkQuorum: false }),
      RangeError,
    );
  });

  test('a single voter answers at once; an empty context is refused', () => {
    const net = new Network([1]);
    net.elect(1);
    net.core(1).readIndex(bytes('solo'));
    assert.deepEqual(net.core(1).ready().readStates.map(text), [[2, 'solo']]);
    assert.throws(() => fixture(1).core.readIndex(new Uint8Array(0)), RangeError);
  });
});
