import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SystemClock } from '../../../src/base/clock.ts';
import { SeededRng } from '../../../src/base/rng.ts';
import type { NodeId } from '../../../src/raft/core/types.ts';
import { RaftNode } from '../../../src/raft/node.ts';
import type { RaftNodeOptions, StateMachine } from '../../../src/raft/node.ts';
import { FileStorage } from '../../../src/raft/storage/file-storage.ts';
import { MemoryNetwork } from '../../../src/raft/transport/memory-transport.ts';
import type { MemoryTransport } from '../../../src/raft/transport/memory-transport.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encodes a string payload. */
export const bytes = (text: string): Uint8Array => encoder.encode(text);

/** A state machine that records every applied payload as a string, in order. */
export class RecordingStateMachine implements StateMachine {
  values: string[] = [];
  restores = 0;

  apply(payload: Uint8Array): void {
    this.values.push(decoder.decode(payload));
  }
  snapshot(): Uint8Array {
    return encoder.encode(JSON.stringify(this.values));
  }
  restore(image: Uint8Array): void {
    this.values = JSON.parse(decoder.decode(image)) as string[];
    this.restores++;
  }
}

/** One running member: its node, state machine and transport endpoint. */
export interface Member<S extends StateMachine> {
  readonly id: NodeId;
  readonly node: RaftNode;
  readonly sm: S;
  readonly transport: MemoryTransport;
  readonly dir: string;
}

/** Options of a {@link NodeCluster}; ticks are real (SystemClock) and short. */
export interface NodeClusterOptions<S extends StateMachine> {
  readonly ids: readonly NodeId[];
  readonly newStateMachine: () => S;
  readonly seed?: number;
  readonly tickMs?: number;
  readonly node?: Partial<Pick<RaftNodeOptions, 'snapshotEntries' | 'catchUpEntries' | 'raft'>>;
}

/**
 * Real RaftNodes with FileStorage in temp dirs, joined by a MemoryNetwork. Members can be
 * stopped (their data dir stays) and started again from disk.
 */
export class NodeCluster<S extends StateMachine> {
  readonly network = new MemoryNetwork();
  readonly members = new Map<NodeId, Member<S>>();
  private readonly clock = new SystemClock();
  private readonly rng: SeededRng;
  private root = '';
  private starts = 0;
  /** SystemClock timers are unref'd; this keeps the process alive while a test awaits a node. */
  private keepAlive: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly options: NodeClusterOptions<S>) {
    this.rng = new SeededRng(options.seed ?? 1);
  }

  /** Creates the temp root and starts every founding member. */
  async start(): Promise<void> {
    this.root = await mkdtemp(join(tmpdir(), 'shoal-raft-node-'));
    this.keepAlive = setInterval(() => {}, 1_000);
    await Promise.all(this.options.ids.map((id) => this.startMember(id, this.options.ids)));
  }

  /** Starts (or restarts from its data dir) member `id`; `bootstrap` only matters on an empty dir. */
  async startMember(id: NodeId, bootstrap: readonly NodeId[] = []): Promise<Member<S>> {
    const dir = join(this.root, `member-${id}`);
    const transport = this.network.endpoint(id);
    const sm = this.options.newStateMachine();
    const rng = this.rng.fork(`${id}/${this.starts++}`);
    const node = new RaftNode(
      {
        id,
        bootstrap,
        storage: new FileStorage(dir),
        transport,
        stateMachine: sm,
        tickMs: this.options.tickMs ?? 10,
        ...this.options.node,
      },
      { clock: this.clock, random: () => rng.next() },
    );
    await node.start();
    const member = { id, node, sm, transport, dir };
    this.members.set(id, member);
    return member;
  }

  /** Stops member `id` and closes its endpoint; its data dir is kept for a restart. */
  async stopMember(id: NodeId): Promise<void> {
    const member = this.members.get(id);
    if (!member) return;
    this.members.delete(id);
    await member.node.stop();
    await member.transport.close();
  }

  member(id: NodeId): Member<S> {
    const member = this.members.get(id);
    if (!member) throw new Error(`member ${id} is not running`);
    return member;
  }

  /** The member every running member agrees leads, in the highest term seen; undefined if none. */
  leader(): Member<S> | undefined {
    let best: Member<S> | undefined;
    let bestTerm = -1;
    for (const m of this.members.values()) {
      const status = m.node.status();
      if (status.softState.role === 'leader' && status.hardState.term > bestTerm) {
        best = m;
        bestTerm = status.hardState.term;
      }
    }
    return best;
  }

  /** Waits for a leader known as such by a majority of the running members. */
  async waitForLeader(timeoutMs = 5_000): Promise<Member<S>> {
    return waitFor('a leader', timeoutMs, () => {
      const leader = this.leader();
      if (!leader) return undefined;
      const agree = [...this.members.values()].filter((m) => m.node.leader() === leader.id).length;
      return agree * 2 > this.members.size ? leader : undefined;
    });
  }

  /** Stops every member and removes the temp root. */
  async close(): Promise<void> {
    await Promise.all([...this.members.keys()].map((id) => this.stopMember(id)));
    clearInterval(this.keepAlive);
    if (this.root) await rm(this.root, { recursive: true, force: true });
  }
}

/**
 * Polls `check` every few milliseconds until it returns something other than undefined or
 * false; fails after `timeoutMs`, naming what it waited for and the last value seen.
 */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  check: () => T | undefined | false,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = check();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (performance.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what} (last: ${String(last)})`,
      );
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
