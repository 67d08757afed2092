import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { access, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Daemon } from '../../../src/daemon/daemon.ts';
import { loadNodeState, saveNodeState } from '../../../src/daemon/node-state.ts';
import { readNodeIdentity } from '../../../src/manager/ca/node-certificate.ts';
import { raftMembers } from '../../../src/store/tables.ts';
import { waitFor } from '../../support/wait-for.ts';
import { DaemonDir } from './daemon-harness.ts';

const dirs: DaemonDir[] = [];
const running = new Set<Daemon>();
after(async () => {
  for (const daemon of running) await daemon.stop();
  for (const dir of dirs) await dir.remove();
});

interface Member {
  readonly dir: DaemonDir;
  daemon: Daemon;
  readonly hostname: string;
}

async function startOn(hostname: string): Promise<Member> {
  const dir = await DaemonDir.create();
  dirs.push(dir);
  const daemon = await dir.start(hostname);
  running.add(daemon);
  return { dir, daemon, hostname };
}

async function stop(member: Member): Promise<void> {
  await member.daemon.stop();
  running.delete(member.daemon);
}

async function restart(member: Member): Promise<void> {
  member.daemon = await member.dir.start(member.hostname);
  running.add(member.daemon);
}

interface NodeJson {
  ID: string;
  Version: { Index: number };
  Spec: Record<string, unknown>;
  Status: { State: string };
  ManagerStatus?: { Leader?: boolean; Reachability: string };
}

/** 200 ms heartbeats, so a node's session finds the leader quickly. */
const FAST_HEARTBEATS = { Dispatcher: { HeartbeatPeriod: 200_000_000 } };
/** Promotion and demotion wait on the renewer's 5 s status checks and Raft catch-up. */
const ROLE_TIMEOUT = { timeoutMs: 30_000 };

async function nodeOn(via: Member, id: string): Promise<NodeJson | undefined> {
  const reply = await via.dir.call('GET', `/nodes/${id}`);
  return reply.status === 200 ? (reply.body as NodeJson) : undefined;
}

async function setRole(via: Member, id: string, role: 'manager' | 'worker'): Promise<void> {
  const node = await nodeOn(via, id);
  assert.ok(node);
  const reply = await via.dir.call('POST', `/nodes/${id}/update?version=${node.Version.Index}`, {
    ...node.Spec,
    Role: role,
  });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
}

/** The Raft members the first manager's store records for `nodeId` (removed ones too). */
function membersOf(manager: Member, nodeId: string): { RaftID: number; Removed?: boolean }[] {
  const runtime = manager.daemon.swarm().managerRuntime();
  assert.ok(runtime);
  return runtime.manager.store.view((r) => r.all(raftMembers)).filter((m) => m.NodeID === nodeId);
}

function voters(manager: Member): number {
  return manager.daemon.swarm().managerRuntime()?.manager.raftView.confState().voters.length ?? 0;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function certificateRole(member: Member): Promise<string> {
  const pem = await readFile(join(member.dir.dataDir, 'certificates', 'swarm-node.crt'), 'utf8');
  return readNodeIdentity(pem).role;
}

async function waitPromoted(manager: Member, worker: Member, id: string): Promise<void> {
  await waitFor(
    `${worker.hostname} to run as a manager`,
    async () => (await worker.dir.call('GET', '/_ping')).headers.swarm === 'active/manager',
    ROLE_TIMEOUT,
  );
  await waitFor(
    `${worker.hostname} to be a ready, reachable voter`,
    async () => {
      const node = await nodeOn(manager, id);
      return (
        node?.Status.State === 'ready' &&
        node.ManagerStatus?.Reachability === 'reachable' &&
        voters(manager) === 2
      );
    },
    ROLE_TIMEOUT,
  );
  assert.equal(worker.daemon.state().swarm?.role, 'manager');
  assert.equal(await certificateRole(worker), 'manager');
}

async function waitDemoted(manager: Member, worker: Member, id: string): Promise<void> {
  await waitFor(
    `${worker.hostname} to run as a worker again`,
    async () =>
      (await worker.dir.call('GET', '/_ping')).headers.swarm === 'active/worker' &&
      voters(manager) === 1,
    ROLE_TIMEOUT,
  );
  assert.equal(worker.daemon.state().swarm?.role, 'worker');
  assert.equal(await certificateRole(worker), 'worker');
  assert.equal(await exists(join(worker.dir.dataDir, 'raft')), false, 'Raft data removed');
  assert.equal(
    await exists(join(worker.dir.dataDir, 'certificates', 'swarm-manager-keys.json')),
    false,
    'manager keys removed',
  );
  assert.equal((await worker.dir.call('GET', '/nodes')).status, 503);
  await waitFor('the demoted node to stay ready, with no manager status', async () => {
    const node = await nodeOn(manager, id);
    return node?.Status.State === 'ready' && node.ManagerStatus === undefined;
  });
}

test('a promoted worker becomes a reachable voter; demoted, it is a worker again; promoted again, with a new raft ID', async () => {
  const manager = await startOn('node-m');
  const worker = await startOn('node-w');
  const init = await manager.dir.call('POST', '/swarm/init', {
    AdvertiseAddr: '127.0.0.1',
    Spec: FAST_HEARTBEATS,
  });
  assert.equal(init.status, 200);
  const token = (
    (await manager.dir.call('GET', '/swarm')).body as { JoinTokens: { Worker: string } }
  ).JoinTokens.Worker;
  const remote = manager.daemon.state().swarm?.advertiseAddr ?? '';
  const joined = await worker.dir.call('POST', '/swarm/join', {
    RemoteAddrs: [remote],
    JoinToken: token,
  });
  assert.equal(joined.status, 200, JSON.stringify(joined.body));
  const id = worker.daemon.state().swarm?.nodeId ?? '';
  const managerId = manager.daemon.state().swarm?.nodeId ?? '';
  await waitFor(
    'the worker to be ready',
    async () => (await nodeOn(manager, id))?.Status.State === 'ready',
  );

  await setRole(manager, id, 'manager');
  await waitPromoted(manager, worker, id);
  // A write through the promoted manager: a follower forwards it to the leader.
  const target = await nodeOn(worker, managerId);
  assert.ok(target);
  const write = await worker.dir.call(
    'POST',
    `/nodes/${managerId}/update?version=${target.Version.Index}`,
    { ...target.Spec, Labels: { via: 'promoted' } },
  );
  assert.equal(write.status, 200, JSON.stringify(write.body));
  const [first] = membersOf(manager, id);
  assert.ok(first);

  await setRole(manager, id, 'worker');
  await waitDemoted(manager, worker, id);
  assert.deepEqual(
    membersOf(manager, id).map((m) => m.Removed === true),
    [true],
  );

  await setRole(manager, id, 'manager');
  await waitPromoted(manager, worker, id);
  const live = membersOf(manager, id).filter((m) => m.Removed !== true);
  assert.equal(live.length, 1);
  assert.ok((live[0]?.RaftID ?? 0) > first.RaftID, 'raft IDs are never reused');
});

test('a role change interrupted by a restart is carried out when the node comes back', async () => {
  const manager = await startOn('node-m2');
  const worker = await startOn('node-w2');
  await manager.dir.call('POST', '/swarm/init', {
    AdvertiseAddr: '127.0.0.1',
    Spec: FAST_HEARTBEATS,
  });
  const token = (
    (await manager.dir.call('GET', '/swarm')).body as { JoinTokens: { Worker: string } }
  ).JoinTokens.Worker;
  const remote = manager.daemon.state().swarm?.advertiseAddr ?? '';
  await worker.dir.call('POST', '/swarm/join', { RemoteAddrs: [remote], JoinToken: token });
  const id = worker.daemon.state().swarm?.nodeId ?? '';
  await waitFor(
    'the worker to be ready',
    async () => (await nodeOn(manager, id))?.Status.State === 'ready',
  );

  // Promoted while down: it comes back as a worker, then follows the records.
  await stop(worker);
  await setRole(manager, id, 'manager');
  await restart(worker);
  await waitPromoted(manager, worker, id);

  // Stopped as soon as the leader has removed it from Raft, usually before its renewer has
  // learnt the new role: restarted as the manager it recorded, it then lets go.
  await setRole(manager, id, 'worker');
  await waitFor('the leader to remove it from Raft', () => voters(manager) === 1, ROLE_TIMEOUT);
  await stop(worker);
  await restart(worker);
  await waitDemoted(manager, worker, id);

  // Stopped after its worker certificate was saved but before the role was recorded (as a
  // crash would leave it): the restart finishes the demotion.
  await stop(worker);
  const stateFile = join(worker.dir.dataDir, 'state.json');
  const state = await loadNodeState(stateFile);
  assert.ok(state.swarm);
  await saveNodeState(stateFile, { ...state, swarm: { ...state.swarm, role: 'manager' } });
  await mkdir(join(worker.dir.dataDir, 'raft'), { recursive: true });
  await restart(worker);
  assert.equal((await worker.dir.call('GET', '/_ping')).headers.swarm, 'active/worker');
  assert.equal(worker.daemon.state().swarm?.role, 'worker');
  assert.equal(await exists(join(worker.dir.dataDir, 'raft')), false);
  await waitFor('the worker to be ready after its restart', async () => {
    const node = await nodeOn(manager, id);
    return node?.Status.State === 'ready' && node.ManagerStatus === undefined;
  });
});
