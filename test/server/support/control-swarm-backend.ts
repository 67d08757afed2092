import { statusOf } from '../../../src/api/errors.ts';
import { toEngineNode } from '../../../src/api/objects/node.ts';
import { ManualClock } from '../../../src/base/clock.ts';
import { ShoalError } from '../../../src/base/errors.ts';
import { SeededRng } from '../../../src/base/rng.ts';
import { createRootCa } from '../../../src/manager/ca/root-ca.ts';
import type { RootCa } from '../../../src/manager/ca/root-ca.ts';
import { rngRandomBytes } from '../../../src/manager/ca/random-bytes.ts';
import type { ControlDeps } from '../../../src/manager/controlapi/control-deps.ts';
import {
  getNode,
  listNodes,
  registerNode,
  removeNode,
  updateNode,
} from '../../../src/manager/controlapi/nodes.ts';
import {
  getSwarm,
  getUnlockKey,
  initCluster,
  updateSwarm,
} from '../../../src/manager/controlapi/swarm.ts';
import { MemoryStore } from '../../../src/store/memory-store.ts';
import { clusterTables, nodes } from '../../../src/store/tables.ts';
import type { SwarmBackend } from '../../../src/server/swarm-backend.ts';

/** The daemon lifecycle the in-test backend plays: outside a swarm, a manager, a worker, locked. */
export type TestSwarmState = 'inactive' | 'manager' | 'worker' | 'locked';

/** A SwarmBackend over the real control API and a proposer-less store, with its knobs. */
export interface ControlSwarmBackend {
  readonly backend: SwarmBackend;
  /** The current store (a fresh one after `leave`). */
  store(): MemoryStore;
  state(): TestSwarmState;
  /** The ID `init` gives the first manager. */
  readonly nodeId: string;
  /** Plays a manager restart under autolock: the swarm is locked until `unlock`. */
  lock(): void;
  /** Adds a worker (or manager) with `hostname`, in `state`, as the CA would admit it. */
  addNode(id: string, hostname: string, state: 'ready' | 'down'): Promise<void>;
}

const rootCaPromise: Promise<RootCa> = createRootCa({
  now: Date.UTC(2024, 0, 1),
  randomBytes: rngRandomBytes(new SeededRng(99)),
});

function engineError(code: string, status: number, message: string): ShoalError {
  return new ShoalError(code, message, { status });
}

const notManagerOutside =
  'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';
const notManagerWorker =
  "This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state. Please run this command on a manager node or promote the current node to a manager.";

/**
 * A backend for route and CLI tests: the cluster calls go to src/manager/controlapi over a
 * real MemoryStore, and the lifecycle (init, join, leave, unlock) is a small state machine
 * with the Engine's 503/409/401 answers. `init` names the first manager `nodeId` with
 * hostname `hostname`.
 */
export async function controlSwarmBackend(
  nodeId = 'k3p9x2m7q1w8e4r6t5y0u2i9o',
  hostname = 'shoal-1',
): Promise<ControlSwarmBackend> {
  const rootCa = await rootCaPromise;
  const deps: ControlDeps = { randomBytes: rngRandomBytes(new SeededRng(7)) };
  const newStore = (): MemoryStore =>
    new MemoryStore({ tables: clusterTables }, { clock: new ManualClock(Date.UTC(2024, 0, 1)) });
  let store = newStore();
  let state: TestSwarmState = 'inactive';

  const manager = (): MemoryStore => {
    if (state === 'inactive') throw engineError('TEST_NOT_MANAGER', 503, notManagerOutside);
    if (state === 'worker') throw engineError('TEST_NOT_MANAGER', 503, notManagerWorker);
    if (state === 'locked') {
      throw engineError(
        'SWARM_LOCKED',
        statusOf('SWARM_LOCKED'),
        'Swarm is encrypted and needs to be unlocked before it can be used. Please use "docker swarm unlock" to unlock it.',
      );
    }
    return store;
  };
  const outside = (): void => {
    if (state !== 'inactive') {
      throw engineError(
        'SWARM_EXISTS',
        statusOf('SWARM_EXISTS'),
        'This node is already part of a swarm. Use "docker swarm leave" to leave this swarm and join another one.',
      );
    }
  };

  const backend: SwarmBackend = {
    async init(request) {
      outside();
      const id = await initCluster(
        store,
        {
          nodeId,
          raftId: 1,
          addr: `${request.AdvertiseAddr ?? '10.0.0.1'}:2377`,
          rootCaCert: rootCa.certPem,
          description: { Hostname: hostname, Engine: { EngineVersion: '0.1.0-test' } },
          ...(request.Spec === undefined ? {} : { spec: request.Spec }),
          ...(request.Availability === undefined ? {} : { availability: request.Availability }),
        },
        deps,
      );
      state = 'manager';
      return id;
    },
    join() {
      outside();
      state = 'worker';
      return Promise.resolve();
    },
    leave(force) {
      if (state === 'inactive') {
        throw engineError('TEST_NOT_IN_SWARM', 503, 'This node is not part of a swarm');
      }
      if (state === 'manager' && !force) {
        throw engineError(
          'TEST_LEAVE_MANAGER',
          503,
          'You are attempting to leave the swarm on a node that is participating as a manager. Removing the last manager erases all current state of the swarm. Use `--force` to ignore this message.',
        );
      }
      store = newStore();
      state = 'inactive';
      return Promise.resolve();
    },
    unlock(key) {
      if (state !== 'locked') throw engineError('TEST_NOT_LOCKED', 409, 'swarm is not locked');
      if (key !== getUnlockKey(store).UnlockKey) {
        throw engineError(
          'UNLOCK_KEY_INVALID',
          statusOf('UNLOCK_KEY_INVALID'),
          'swarm could not be unlocked: invalid key provided',
        );
      }
      state = 'manager';
      return Promise.resolve();
    },
    inspect: () => Promise.resolve().then(() => getSwarm(manager())),
    update: (version, spec, flags) => updateSwarm(manager(), spec, version, flags, deps),
    unlockKey: () => Promise.resolve().then(() => getUnlockKey(manager())),
    listNodes: (filters) =>
      Promise.resolve().then(() => listNodes(manager(), filters).map(toEngineNode)),
    inspectNode: (ref) => Promise.resolve().then(() => toEngineNode(getNode(manager(), ref))),
    updateNode: (ref, version, spec) => updateNode(manager(), ref, version, spec),
    removeNode: async (ref, force) => {
      await removeNode(manager(), ref, force);
    },
  };

  return {
    backend,
    store: () => store,
    state: () => state,
    nodeId,
    lock: () => {
      state = 'locked';
    },
    addNode: async (id, host, nodeState) => {
      await registerNode(store, {
        nodeId: id,
        role: 'worker',
        description: { Hostname: host, Engine: { EngineVersion: '0.1.0-test' } },
      });
      await store.update((tx) => {
        const node = tx.get(nodes, id);
        if (node) tx.update(nodes, { ...node, Status: { State: nodeState, Addr: '10.0.0.9' } });
      });
    },
  };
}
