import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../src/base/clock.ts';
import { ShoalError } from '../../../src/base/errors.ts';
import type { Logger, LogFields } from '../../../src/base/logger.ts';
import { ProposalDroppedError } from '../../../src/raft/core/types.ts';
import type { Snapshot } from '../../../src/raft/core/types.ts';
import { RaftNode } from '../../../src/raft/node.ts';
import { FileStorage } from '../../../src/raft/storage/file-storage.ts';
import type {
  DurableUpdate,
  RaftStorage,
  RecoveredState,
} from '../../../src/raft/storage/types.ts';
import { MemoryNetwork } from '../../../src/raft/transport/memory-transport.ts';
import { NodeCluster, RecordingStateMachine, bytes, waitFor } from './node-cluster.ts';

/** FileStorage whose saves start failing when told to, as a full disk would. */
class FailingStorage implements RaftStorage {
  failing = false;
  constructor(private readonly inner: FileStorage) {}
  open(): Promise<RecoveredState> {
    return this.inner.open();
  }
  save(update: DurableUpdate, sync: boolean): Promise<void> {
    return this.failing ? Promise.reject(new Error('disk full')) : this.inner.save(update, sync);
  }
  saveSnapshot(snapshot: Snapshot): Promise<void> {
    return this.inner.saveSnapshot(snapshot);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

class CapturingLogger implements Logger {
  readonly errors: string[] = [];
  debug(): void {}
  info(): void {}
  warn(): void {}
  error(message: string, fields?: LogFields): void {
    this.errors.push(`${message} ${JSON.stringify(fields)}`);
  }
  child(): Logger {
    return this;
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** One member on a ManualClock: nothing ticks unless the test advances time. */
async function singleNode(sm = new RecordingStateMachine()) {
  const dir = await mkdtemp(join(tmpdir(), 'shoal-raft-node-'));
  const storage = new FailingStorage(new FileStorage(dir));
  const network = new MemoryNetwork();
  const transport = network.endpoint(1);
  const logger = new CapturingLogger();
  const node = new RaftNode(
    { id: 1, bootstrap: [1], storage, transport, stateMachine: sm, tickMs: 10 },
    { clock: new ManualClock(), random: () => 0.5, logger },
  );
  await node.start();
  cleanups.push(async () => {
    await node.stop();
    await transport.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { node, storage, logger, sm };
}

async function elected(node: RaftNode): Promise<void> {
  node.campaign();
  await waitFor(
    'the single member to lead',
    2_000,
    () => node.status().softState.role === 'leader',
  );
}

const stoppedBy = (cause: RegExp) => (e: unknown) =>
  e instanceof ShoalError && e.code === 'RAFT_STOPPED' && cause.test(String(e.cause));

test('without a leader, every proposal of a batch is refused with the core reason', async () => {
  const { node } = await singleNode();
  const results = await Promise.allSettled([1, 2, 3].map((i) => node.propose(bytes(`p${i}`))));
  for (const r of results) {
    assert.equal(r.status, 'rejected');
    assert.ok(r.reason instanceof ProposalDroppedError && r.reason.reason === 'noLeader');
  }
});

test('a single member leads after campaign and applies batches of proposals', async () => {
  const { node, sm } = await singleNode();
  await elected(node);
  const values = Array.from({ length: 20 }, (_, i) => `v${i}`);
  const indexes = await Promise.all(values.map((v) => node.propose(bytes(v))));
  assert.deepEqual(sm.values, values);
  assert.equal(node.appliedIndex(), indexes.at(-1));
});

test('a storage failure stops the node, logs it, and rejects pending calls with the cause', async () => {
  const { node, storage, logger } = await singleNode();
  await elected(node);
  storage.failing = true;
  await assert.rejects(node.propose(bytes('lost')), stoppedBy(/disk full/));
  await assert.rejects(
    node.propose(bytes('late')),
    (e: unknown) => e instanceof ShoalError && e.code === 'RAFT_STOPPED',
  );
  assert.ok(logger.errors.some((line) => line.includes('disk full')));
});

test('a state machine that throws stops the node', async () => {
  const sm = new RecordingStateMachine();
  sm.apply = (payload) => {
    if (new TextDecoder().decode(payload) === 'poison') throw new Error('cannot apply poison');
    sm.values.push(new TextDecoder().decode(payload));
  };
  const { node } = await singleNode(sm);
  await elected(node);
  await node.propose(bytes('fine'));
  await assert.rejects(node.propose(bytes('poison')), stoppedBy(/cannot apply poison/));
  assert.deepEqual(sm.values, ['fine']);
});

test('a batch the leader refuses is retried one by one, each getting the exact reason', async () => {
  const cluster = new NodeCluster({
    ids: [1, 2, 3],
    newStateMachine: () => new RecordingStateMachine(),
    node: { raft: { maxUncommittedEntriesSize: 100 } },
  });
  cleanups.push(() => cluster.close());
  await cluster.start();
  const leader = await cluster.waitForLeader();
  for (const m of cluster.members.values()) if (m.id !== leader.id) cluster.network.isolate(m.id);
  // The first entry fills the uncommitted tail; none of the batch after it fits.
  const first = leader.node.propose(new Uint8Array(80));
  first.catch(() => undefined);
  await new Promise((resolve) => setImmediate(resolve));
  const results = await Promise.allSettled(
    [1, 2, 3].map(() => leader.node.propose(new Uint8Array(30))),
  );
  for (const r of results) {
    assert.equal(r.status, 'rejected');
    assert.ok(r.reason instanceof ProposalDroppedError, String(r.reason));
    assert.equal(r.reason.reason, 'uncommittedTooLarge');
  }
});
