import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../base/atomic-file.ts';
import { ShoalError } from '../base/errors.ts';

/** This node's place in a swarm, once it has initialised or joined one. */
export interface SwarmMembership {
  readonly nodeId: string;
  readonly clusterId: string;
  readonly role: 'manager' | 'worker';
  /** The address other nodes dial for this node's cluster traffic. */
  readonly advertiseAddr: string;
  /** Managers this node knows, to reconnect to after a restart. */
  readonly managers: readonly string[];
}

/**
 * What a node keeps across restarts in `state.json`. `engineId` identifies the daemon even
 * outside a swarm (`docker info`'s ID); `swarm` is null until `swarm init` or `join`.
 */
export interface NodeState {
  readonly version: 1;
  readonly engineId: string;
  readonly swarm: SwarmMembership | null;
}

/** A fresh state for a daemon that has never run on this data dir. */
export function newNodeState(random: (n: number) => Buffer = randomBytes): NodeState {
  // Docker's engine IDs are 12 groups of 4 base-32 characters; shoal uses plain hex.
  return { version: 1, engineId: random(16).toString('hex'), swarm: null };
}

function corrupt(path: string, detail: string): ShoalError {
  return new ShoalError(
    'NODE_STATE_CORRUPT',
    `node state ${path} is unreadable (${detail}); restore it from a backup or move it away to start as a new node`,
    { status: 500 },
  );
}

function checkState(path: string, value: unknown): NodeState {
  if (typeof value !== 'object' || value === null) throw corrupt(path, 'not a JSON object');
  const state = value as Partial<NodeState>;
  if (state.version !== 1) throw corrupt(path, `unknown version ${String(state.version)}`);
  if (typeof state.engineId !== 'string' || state.engineId === '')
    throw corrupt(path, 'no engineId');
  const swarm = state.swarm;
  if (swarm !== null) {
    const ok =
      typeof swarm === 'object' &&
      typeof swarm.nodeId === 'string' &&
      typeof swarm.clusterId === 'string' &&
      (swarm.role === 'manager' || swarm.role === 'worker') &&
      typeof swarm.advertiseAddr === 'string' &&
      Array.isArray(swarm.managers);
    if (!ok) throw corrupt(path, 'malformed swarm membership');
  }
  return state as NodeState;
}

/**
 * Reads `state.json`, or creates it (atomically) on a data dir that has none. A file that
 * exists but cannot be read as a node state is fatal (`NODE_STATE_CORRUPT`): starting as a
 * new node would silently leave the swarm.
 */
export async function loadNodeState(path: string): Promise<NodeState> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const fresh = newNodeState();
    await saveNodeState(path, fresh);
    return fresh;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw corrupt(path, (err as Error).message);
  }
  return checkState(path, parsed);
}

/** Replaces `state.json` atomically (temp file, fsync, rename, fsync dir). */
export async function saveNodeState(path: string, state: NodeState): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(state, null, 2) + '\n');
}
