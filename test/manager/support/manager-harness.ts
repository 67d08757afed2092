import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, SystemClock } from '../../../src/base/clock.ts';
import { SeededRng } from '../../../src/base/rng.ts';
import type { NodeId } from '../../../src/raft/core/types.ts';
import { FileStorage } from '../../../src/raft/storage/file-storage.ts';
import { MemoryNetwork } from '../../../src/raft/transport/memory-transport.ts';
import type { MemoryTransport } from '../../../src/raft/transport/memory-transport.ts';
import { updateNode } from '../../../src/manager/controlapi/nodes.ts';
import { initCluster } from '../../../src/manager/controlapi/swarm.ts';
import { Manager } from '../../../src/manager/manager.ts';
import { nodes } from '../../../src/store/tables.ts';
import { waitFor } from '../../raft/node/node-cluster.ts';
import { controlDeps, rootCa } from './control-fixtures.ts';

/**
 * In-process managers: real RaftNodes (FileStorage in a temp dir, 10 ms ticks) over a
 * MemoryNetwork, with the leader-only components on a shared ManualClock that
 * {@link eventually} advances 100 ms per poll.
 */
export class ManagerHarness {
  readonly network = new MemoryNetwork();
  readonly clock = new ManualClock(Date.UTC(2024, 0, 1));
  readonly running = new Map<NodeId, Manager>();
  private readonly transports = new Map<NodeId, MemoryTransport>();
  private readonly rng = new SeededRng(7);
  private readonly systemClock = new SystemClock();
  private root = '';
  private keepAlive: ReturnType<typeof setInterval> | undefined;

  /** Starts manager `raftId` (bootstrapping `bootstrap` on an empty log). */
  async start(raftId: NodeId, bootstrap: NodeId[] = []): Promise<Manager> {
    if (!this.root) {
      this.root = await mkdtemp(join(tmpdir(), 'shoal-manager-'));
      this.keepAlive = setInterval(() => {}, 1_000);
    }
    const fork = this.rng.fork(`m${raftId}`);
    const transport = this.network.endpoint(raftId);
    this.transports.set(raftId, transport);
    const manager = new Manager(
      {
        raftId,
        bootstrap,
        storage: new FileStorage(join(this.root, `raft-${raftId}`)),
        transport,
        raft: { tickMs: 10 },
        membership: { intervalMs: 100, catchUpEntries: 5 },
      },
      { clock: this.systemClock, componentClock: this.clock, random: () => fork.next() },
    );
    await manager.start();
    this.running.set(raftId, manager);
    return manager;
  }

  /** Starts manager 1 alone, waits for it to lead, and runs `swarm init` on it as `node-1`. */
  async init(): Promise<Manager> {
    const m1 = await this.start(1, [1]);
    await this.eventually('manager 1 to lead', () => m1.isLeader());
    await initCluster(
      m1.store,
      { nodeId: 'node-1', raftId: 1, addr: 'mem-1', rootCaCert: rootCa.certPem },
      controlDeps(),
    );
    return m1;
  }

  /** Stops manager `raftId` and closes its endpoint. */
  async kill(raftId: NodeId): Promise<void> {
    const manager = this.running.get(raftId);
    this.running.delete(raftId);
    await manager?.stop();
    await this.transports.get(raftId)?.close();
    this.transports.delete(raftId);
  }

  /** Waits for `check`, moving the component clock 100 ms per poll so sweeps run. */
  eventually<T>(what: string, check: () => T | undefined | false): Promise<T> {
    return waitFor(what, 5_000, () => {
      this.clock.advance(100);
      return check();
    });
  }

  /** The running manager that runs the leader-only components, if any. */
  leader(): Manager | undefined {
    return [...this.running.values()].find((m) => m.isLeader());
  }

  /** Stops everything and removes the temp dir. */
  async close(): Promise<void> {
    for (const id of [...this.running.keys()]) await this.kill(id);
    clearInterval(this.keepAlive);
    if (this.root) await rm(this.root, { recursive: true, force: true });
  }
}

/** The voters `m` has applied, sorted, comma-separated. */
export function voters(m: Manager): string {
  return [...m.raft.status().confState.voters].sort((a, b) => a - b).join();
}

/** Sets the desired role of `nodeId` through the control API on `m`. */
export async function setRole(
  m: Manager,
  nodeId: string,
  role: 'manager' | 'worker',
): Promise<void> {
  const node = m.store.get(nodes, nodeId);
  if (!node) throw new Error(`node ${nodeId} not in the store`);
  await updateNode(m.store, nodeId, node.meta.version, { ...node.Spec, Role: role }, m.raftView);
}
