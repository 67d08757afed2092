import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FileStorage } from '../../../src/raft/storage/file-storage.ts';
import { NodeCluster, RecordingStateMachine, bytes, waitFor } from './node-cluster.ts';

let cluster: NodeCluster<RecordingStateMachine> | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

const values = (prefix: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}${i}`);

test('a cluster restarted from disk restores its state and keeps going', async () => {
  const c = (cluster = new NodeCluster({
    ids: [1, 2, 3],
    newStateMachine: () => new RecordingStateMachine(),
  }));
  await c.start();
  const leader = await c.waitForLeader();
  const before = values('a', 20);
  for (const v of before) await leader.node.propose(bytes(v));
  await waitFor('every member to apply', 2_000, () =>
    [...c.members.values()].every((m) => m.sm.values.length === 20),
  );
  const terms = new Map([...c.members.values()].map((m) => [m.id, m.node.status().hardState.term]));
  for (const id of [1, 2, 3]) await c.stopMember(id);
  for (const id of [1, 2, 3]) {
    const m = await c.startMember(id);
    // Everything committed before the stop is applied again by start() itself.
    assert.deepEqual(m.sm.values, before);
    assert.ok(m.node.status().hardState.term >= terms.get(id)!);
  }
  const next = await c.waitForLeader();
  await next.node.propose(bytes('after-restart'));
  await waitFor('every member to apply the new entry', 2_000, () =>
    [...c.members.values()].every(
      (m) => m.sm.values.join() === [...before, 'after-restart'].join(),
    ),
  );
});

test('snapshots compact the log, and a lagging follower is caught up by snapshot', async () => {
  const c = (cluster = new NodeCluster({
    ids: [1, 2, 3],
    newStateMachine: () => new RecordingStateMachine(),
    node: { snapshotEntries: 10, catchUpEntries: 2 },
  }));
  await c.start();
  const leader = await c.waitForLeader();
  const lagging = [...c.members.values()].find((m) => m.id !== leader.id)!;
  c.network.isolate(lagging.id);
  const written = values('s', 45);
  for (const v of written) await leader.node.propose(bytes(v));
  assert.ok(leader.node.status().lastIndex > 40);
  c.network.heal();
  await waitFor(
    'the lagging follower to catch up',
    3_000,
    () => lagging.sm.values.join() === written.join(),
  );
  assert.ok(lagging.sm.restores >= 1, 'the follower installed a snapshot');

  // On disk: a snapshot exists and recovery starts after it, not at index 1.
  await c.stopMember(leader.id);
  const snaps = await readdir(join(leader.dir, 'snap'));
  assert.ok(snaps.some((f) => f.endsWith('.snap')));
  const storage = new FileStorage(leader.dir);
  const recovered = await storage.open();
  await storage.close();
  assert.ok(recovered.snapshot && recovered.snapshot.metadata.index >= 40);
  assert.ok((recovered.entries[0]?.index ?? Infinity) > 1);
  const restarted = await c.startMember(leader.id);
  assert.deepEqual(restarted.sm.values, written);
});

test('a snapshot restored at start is followed by the entries after it', async () => {
  const c = (cluster = new NodeCluster({
    ids: [1, 2, 3],
    newStateMachine: () => new RecordingStateMachine(),
    node: { snapshotEntries: 7 },
  }));
  await c.start();
  const leader = await c.waitForLeader();
  const written = values('r', 12);
  for (const v of written) await leader.node.propose(bytes(v));
  await waitFor('every member to apply', 2_000, () =>
    [...c.members.values()].every((m) => m.sm.values.length === 12),
  );
  for (const id of [1, 2, 3]) await c.stopMember(id);
  for (const id of [1, 2, 3]) {
    const m = await c.startMember(id);
    assert.equal(m.sm.restores, 1);
    assert.deepEqual(m.sm.values, written);
  }
});
