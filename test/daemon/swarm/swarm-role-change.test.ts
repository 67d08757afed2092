import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { access, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SystemClock } from '../../../src/base/clock.ts';
import { silentLogger } from '../../../src/base/logger.ts';
import { daemonConfigFrom } from '../../../src/daemon/config.ts';
import { Daemon } from '../../../src/daemon/daemon.ts';
import { loadNodeState, saveNodeState } from '../../../src/daemon/node-state.ts';
import { readNodeIdentity } from '../../../src/manager/ca/node-certificate.ts';
import { MANAGER_KEYS_FILE } from '../../../src/manager/keys/manager-keys-file.ts';
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

/** Fast Raft ticks; each node asks the leader about its certificate (and role) every 200 ms. */
const FAST_TIMING = { tickMs: 10, certificateCheckMs: 200 };

async function startDaemon(
  dir: DaemonDir,
  hostname: string,
  timing: { tickMs: number; certificateCheckMs: number } = FAST_TIMING,
): Promise<Daemon> {
  const config = daemonConfigFrom({
    dataDir: dir.dataDir,
    apiSocket: dir.socket,
    listenAddr: '127.0.0.1:0',
    hostname,
  });
  const daemon = new Daemon(config, {
    clock: new SystemClock(),
    logger: silentLogger,
    identity: { version: '0.1.0-test' },
    swarmTiming: timing,
  });
  await daemon.start();
  running.add(daemon);
  return daemon;
}

async function startOn(hostname: string): Promise<Member> {
  const dir = await DaemonDir.create();
  dirs.push(dir);
  return { dir, daemon: await startDaemon(dir, hostname), hostname };
}

async function stop(member: Member): Promise<void> {
  await member.daemon.stop();
  running.delete(member.daemon);
}

async function restart(member: Member, timing = FAST_TIMING): Promise<void> {
  member.daemon = await startDaemon(member.dir, member.hostname, timing);
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
/** Promotion waits for Raft catch-up and a membership sweep (1 s) on a loaded machine. */
const ROLE_TIMEOUT = { timeoutMs: 30_000 };

async function nodeOn(via: Member, id: string): Promise<NodeJson | undefined> {
  const reply = await via.dir.call('GET', `/nodes/${id}`);
  return reply.status === 200 ? (reply.body as NodeJson) : undefined;
}

async function setRole(via: Member, id: string, role: 'manager' | 'worker'): Promise<void> {
  // Heartbeats and certificate reports bump the node's version: retry a stale write.
  await waitFor(`node ${id} to be given role ${role}`, async () => {
    const node = await nodeOn(via, id);
    assert.ok(node);
    const reply = await via.dir.call('POST', `/nodes/${id}/update?version=${node.Version.Index}`, {
      ...node.Spec,
      Role: role,
    });
    if (reply.status === 200) return true;
    throw new Error(`${reply.status} ${JSON.stringify(reply.body)}`);
  });
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

/** Waits until `node` runs as a manager that `viewer` lists as a ready, reachable voter. */
async function waitPromoted(viewer: Member, node: Member, id: string): Promise<void> {
  await waitFor(
    `${node.hostname} to run as a manager`,
    async () => (await node.dir.call('GET', '/_ping')).headers.swarm === 'active/manager',
    ROLE_TIMEOUT,
  );
  await waitFor(
    `${node.hostname} to be a ready, reachable voter`,
    async () => {
      const seen = await nodeOn(viewer, id);
      return (
        seen?.Status.State === 'ready' &&
        seen.ManagerStatus?.Reachability === 'reachable' &&
        voters(viewer) === 2
      );
    },
    ROLE_TIMEOUT,
  );
  assert.equal(node.daemon.state().swarm?.role, 'manager');
  assert.equal(await certificateRole(node), 'manager');
  assert.equal(await exists(join(node.dir.dataDir, 'raft', 'member.json')), true);
  assert.equal(await exists(join(node.dir.dataDir, 'certificates', MANAGER_KEYS_FILE)), true);
}

/** Waits until `node` runs as a worker again, out of Raft as `viewer` sees it, still ready. */
async function waitDemoted(viewer: Member, node: Member, id: string): Promise<void> {
  await waitFor(
    `${node.hostname} to run as a worker again`,
    async () =>
      (await node.dir.call('GET', '/_ping')).headers.swarm === 'active/worker' &&
      voters(viewer) === 1,
    ROLE_TIMEOUT,
  );
  assert.equal(node.daemon.state().swarm?.role, 'worker');
  assert.equal(await certificateRole(node), 'worker');
  assert.equal(await exists(join(node.dir.dataDir, 'raft')), false, 'Raft data removed');
  assert.equal(
    await exists(join(node.dir.dataDir, 'certificates', MANAGER_KEYS_FILE)),
    false,
    'manager keys removed',
  );
  assert.equal((await node.dir.call('GET', '/nodes')).status, 503);
  await waitFor('the demoted node to stay ready, with no manager status', async () => {
    const seen = await nodeOn(viewer, id);
    return seen?.Status.State === 'ready' && seen.ManagerStatus === undefined;
  });
}

/** A manager and a worker on fresh daemons, the worker ready; `spec` is merged into init's. */
async function managerAndWorker(
  suffix: string,
  spec: Record<string, unknown> = {},
): Promise<{ manager: Member; worker: Member; id: string }> {
  const manager = await startOn(`node-m${suffix}`);
  const worker = await startOn(`node-w${suffix}`);
  const init = await manager.dir.call('POST', '/swarm/init', {
    AdvertiseAddr: '127.0.0.1',
    Spec: { ...FAST_HEARTBEATS, ...spec },
  });
  assert.equal(init.status, 200, JSON.stringify(init.body));
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
  await waitFor(
    'the worker to be ready',
    async () => (await nodeOn(manager, id))?.Status.State === 'ready',
  );
  return { manager, worker, id };
}

test('a promoted worker becomes a reachable voter; demoted, a worker again; promoted again under a new raft ID; the demoted leader hands over', async () => {
  const { manager, worker, id } = await managerAndWorker('');
  const managerId = manager.daemon.state().swarm?.nodeId ?? '';

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

  // The first manager, the leader, is demoted in turn: it hands leadership over, then goes.
  await setRole(worker, managerId, 'worker');
  await waitDemoted(worker, manager, managerId);
  assert.equal(worker.daemon.swarm().managerRuntime()?.manager.isLeader(), true);
});

test('a role change interrupted by a restart is carried out when the node comes back', async () => {
  const { manager, worker, id } = await managerAndWorker('2');

  // Promoted while down: it comes back as a worker, then follows the records.
  await stop(worker);
  await setRole(manager, id, 'manager');
  await restart(worker);
  await waitPromoted(manager, worker, id);

  // Removed from Raft while it does not ask about its role (one check at start, then none for
  // a minute), then restarted: it comes back as the manager it recorded, then lets go.
  await stop(worker);
  await restart(worker, { tickMs: 10, certificateCheckMs: 60_000 });
  await waitFor(
    'the restarted manager to be a reachable voter',
    async () => (await nodeOn(manager, id))?.ManagerStatus?.Reachability === 'reachable',
    ROLE_TIMEOUT,
  );
  await setRole(manager, id, 'worker');
  await waitFor('the leader to remove it from Raft', () => voters(manager) === 1, ROLE_TIMEOUT);
  assert.equal(worker.daemon.state().swarm?.role, 'manager', 'it has not learnt its role yet');
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

test('with autolock, a promoted manager seals its keys under the unlock key', async () => {
  const { manager, worker, id } = await managerAndWorker('3', {
    EncryptionConfig: { AutoLockManagers: true },
  });
  const key = ((await manager.dir.call('GET', '/swarm/unlockkey')).body as { UnlockKey: string })
    .UnlockKey;
  await setRole(manager, id, 'manager');
  await waitPromoted(manager, worker, id);

  await stop(worker);
  await restart(worker);
  assert.equal((await worker.dir.call('GET', '/_ping')).headers.swarm, 'locked');
  const unlocked = await worker.dir.call('POST', '/swarm/unlock', { UnlockKey: key });
  assert.equal(unlocked.status, 200, JSON.stringify(unlocked.body));
  await waitPromoted(manager, worker, id);
});
