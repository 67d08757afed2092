import { MemoryStorage } from '../../../../src/raft/core/memory-storage.ts';
import { RaftCore } from '../../../../src/raft/core/raft-core.ts';
import type {
  Entry,
  HardState,
  Message,
  MessageType,
  NodeId,
  RaftConfig,
  Ready,
} from '../../../../src/raft/core/types.ts';
import { makeMessage } from '../../../../src/raft/core/message.ts';
import type { MessageFields } from '../../../../src/raft/core/message.ts';
import { logOfTerms } from './entries.ts';

/** A core and the storage it persists into, for message-level tests. */
export interface Fixture {
  readonly core: RaftCore;
  readonly storage: MemoryStorage;
}

/** What to preload into a fixture's storage (a non-empty log skips the bootstrap entries). */
export interface FixtureOptions extends Partial<Omit<RaftConfig, 'id' | 'storage'>> {
  readonly voters?: readonly NodeId[];
  readonly learners?: readonly NodeId[];
  /** Terms of the entries at indexes 1.. already durable. */
  readonly logTerms?: readonly number[];
  readonly hardState?: HardState;
  /** Snapshot the preloaded log at this index and compact it, before the core starts. */
  readonly snapshotAt?: number;
}

/**
 * A core for member `id` of `voters` (default 1, 2, 3) over a MemoryStorage. With
 * `logTerms` the storage holds that log and `hardState` (term defaulting to the last log
 * term); without, the members bootstrap as a fresh cluster would. `random` defaults to 0,
 * which makes the election timeout exactly electionTick.
 */
export function fixture(id: NodeId, opts: FixtureOptions = {}): Fixture {
  const { voters = [1, 2, 3], learners = [], logTerms, hardState, snapshotAt, ...config } = opts;
  const storage = new MemoryStorage({ voters: [...voters], learners: [...learners] });
  if (logTerms !== undefined) {
    const log: Entry[] = logOfTerms(logTerms);
    storage.append(log);
    storage.setHardState(
      hardState ?? { term: logTerms[logTerms.length - 1] ?? 0, vote: 0, commit: 0 },
    );
  } else if (hardState !== undefined) {
    storage.setHardState(hardState);
  }
  if (snapshotAt !== undefined) {
    storage.createSnapshot(
      snapshotAt,
      { voters: [...voters], learners: [...learners] },
      new TextEncoder().encode('state'),
    );
    storage.compact(snapshotAt);
  }
  const core = new RaftCore({ random: () => 0, ...config, id, storage });
  return { core, storage };
}

/** Handles one Ready the way a shell must (persist, then advance) and returns it. */
export function drain(f: Fixture): Ready {
  const rd = f.core.ready();
  if (rd.snapshot !== undefined) f.storage.applySnapshot(rd.snapshot);
  f.storage.append(rd.entries);
  if (rd.hardState !== undefined) f.storage.setHardState(rd.hardState);
  f.core.advance(rd);
  return rd;
}

/** Drains a Ready and returns its messages (optionally only those of `type`). */
export function sent(f: Fixture, type?: MessageType): Message[] {
  const msgs = drain(f).messages;
  return type === undefined ? [...msgs] : msgs.filter((m) => m.type === type);
}

/** A message with zero defaults, for stepping into a core. */
export function msg(fields: MessageFields): Message {
  return makeMessage(fields);
}

/** Ticks `core` `n` times. */
export function ticks(f: Fixture, n: number): void {
  for (let i = 0; i < n; i++) f.core.tick();
}

/** Encodes text as entry data. */
export function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/**
 * Makes `f` leader of its current voters by granting every (pre-)vote it asks for,
 * without delivering anything else. Returns the messages it sent meanwhile.
 */
export function electLeader(f: Fixture): Message[] {
  f.core.campaign();
  const out: Message[] = [];
  for (let round = 0; round < 3 && f.core.status().softState.role !== 'leader'; round++) {
    const msgs = sent(f);
    out.push(...msgs);
    for (const m of msgs) {
      if (m.type !== 'vote' && m.type !== 'preVote') continue;
      f.core.step(
        makeMessage({
          type: m.type === 'vote' ? 'voteResp' : 'preVoteResp',
          from: m.to,
          to: m.from,
          term: m.term,
        }),
      );
    }
  }
  if (f.core.status().softState.role !== 'leader') throw new Error('could not elect the fixture');
  return out;
}

/**
 * Delivers messages among `fixtures` (by ID) until none are left, dropping those to
 * absent members or rejected by `filter`; returns every message delivered, in order.
 */
export function exchange(
  fixtures: ReadonlyMap<NodeId, Fixture>,
  filter: (m: Message) => boolean = () => true,
): Message[] {
  const delivered: Message[] = [];
  for (let round = 0; round < 1000; round++) {
    const pending: Message[] = [];
    for (const f of fixtures.values()) if (f.core.hasReady()) pending.push(...drain(f).messages);
    if (pending.length === 0) return delivered;
    for (const m of pending) {
      const to = fixtures.get(m.to);
      if (to === undefined || !filter(m)) continue;
      delivered.push(m);
      to.core.step(m);
    }
  }
  throw new Error('exchange did not settle');
}
