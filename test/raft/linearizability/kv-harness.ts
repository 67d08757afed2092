import { ShoalError } from '../../../src/base/errors.ts';
import type { Rng } from '../../../src/base/rng.ts';
import { ProposalDroppedError } from '../../../src/raft/core/types.ts';
import type { StateMachine } from '../../../src/raft/node.ts';
import type { NodeCluster } from '../node/node-cluster.ts';
import { UNSET } from './kv-model.ts';
import type { KvOperation } from './kv-model.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A replicated map of string registers; a payload is `key NUL value`. */
export class KvStateMachine implements StateMachine {
  private map = new Map<string, string>();

  apply(payload: Uint8Array): void {
    const text = decoder.decode(payload);
    const cut = text.indexOf('\0');
    this.map.set(text.slice(0, cut), text.slice(cut + 1));
  }
  snapshot(): Uint8Array {
    return encoder.encode(JSON.stringify([...this.map]));
  }
  restore(image: Uint8Array): void {
    this.map = new Map(JSON.parse(decoder.decode(image)) as [string, string][]);
  }
  /** The local value of `key`, or {@link UNSET}. */
  get(key: string): string {
    return this.map.get(key) ?? UNSET;
  }
}

/** Encodes a write of `value` to `key`. */
export function kvWrite(key: string, value: string): Uint8Array {
  return encoder.encode(`${key}\0${value}`);
}

/** How a client reads: through the node's ReadIndex barrier, or (broken) from local state only. */
export type ReadMode = 'readIndex' | 'localUnsafe';

/** Records operations with their invoke and return times (monotonic milliseconds). */
export class HistoryRecorder {
  readonly ops: KvOperation[] = [];
  completed = 0;
  unknown = 0;

  /**
   * Runs one client operation on member `memberId` and records it. A write the core refused
   * or that was definitely overwritten (`RAFT_PROPOSAL_LOST`) is left out: it never took
   * effect. Any other failure of a write (timeout, stop, snapshot) makes it indeterminate;
   * a failed read is left out, as it constrains nothing.
   */
  async run(
    cluster: NodeCluster<KvStateMachine>,
    client: number,
    memberId: number,
    op: { key: string; write?: string },
    mode: ReadMode,
    timeoutMs: number,
  ): Promise<boolean> {
    const member = cluster.members.get(memberId);
    if (!member) return false;
    const signal = AbortSignal.timeout(timeoutMs);
    const invokedAt = performance.now();
    if (op.write !== undefined) {
      const input = { kind: 'write', value: op.write } as const;
      try {
        await member.node.propose(kvWrite(op.key, op.write), signal);
        this.record({
          client,
          key: op.key,
          input,
          output: undefined,
          invokedAt,
          returnedAt: performance.now(),
        });
        return true;
      } catch (error) {
        const refused = error instanceof ProposalDroppedError;
        if (!refused && !(error instanceof ShoalError && error.code === 'RAFT_PROPOSAL_LOST')) {
          this.record({
            client,
            key: op.key,
            input,
            output: undefined,
            invokedAt,
            returnedAt: undefined,
          });
        }
        return false;
      }
    }
    try {
      if (mode === 'readIndex') await member.node.readBarrier(signal);
      const output = member.sm.get(op.key);
      this.record({
        client,
        key: op.key,
        input: { kind: 'read' },
        output,
        invokedAt,
        returnedAt: performance.now(),
      });
      return true;
    } catch {
      // A read that failed observed nothing.
      return false;
    }
  }

  private record(op: KvOperation): void {
    this.ops.push(op);
    if (op.returnedAt === undefined) this.unknown++;
    else this.completed++;
  }
}

/** Options of {@link runClients}. */
export interface ClientLoadOptions {
  readonly clients: number;
  readonly keys: readonly string[];
  readonly durationMs: number;
  readonly timeoutMs: number;
  readonly mode: ReadMode;
  readonly rng: Rng;
}

/**
 * Runs `clients` concurrent closed-loop clients until `durationMs` passes: each picks a
 * running member, a key, and a read or a write of a value unique to it, one at a time.
 */
export async function runClients(
  cluster: NodeCluster<KvStateMachine>,
  history: HistoryRecorder,
  options: ClientLoadOptions,
): Promise<void> {
  const end = performance.now() + options.durationMs;
  const client = async (c: number): Promise<void> => {
    const rng = options.rng.fork(`client-${c}`);
    for (let n = 0; performance.now() < end; n++) {
      const running = [...cluster.members.keys()];
      if (running.length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        continue;
      }
      const memberId = running[rng.int(running.length)]!;
      const key = options.keys[rng.int(options.keys.length)]!;
      const op = rng.next() < 0.5 ? { key, write: `c${c}-${n}` } : { key };
      const ok = await history.run(cluster, c, memberId, op, options.mode, options.timeoutMs);
      // Back off after a failure, so a member without a leader is not hammered in a loop.
      if (!ok) await new Promise((resolve) => setTimeout(resolve, 10 + rng.int(20)));
    }
  };
  await Promise.all(Array.from({ length: options.clients }, (_, c) => client(c)));
}
