import { checkLinearizable } from './wgl-checker.ts';
import type { Model, Operation, Verdict } from './wgl-checker.ts';

/** The value of a register that was never written. */
export const UNSET = '<unset>';

/** A read (output: the value seen) or a write (input: the value written) of one register. */
export type RegisterInput =
  { readonly kind: 'read' } | { readonly kind: 'write'; readonly value: string };

/** A single read/write register: reads see the latest write, or {@link UNSET}. */
export const registerModel: Model<string, RegisterInput, string> = {
  init: UNSET,
  step(state, input, output) {
    if (input.kind === 'write') return { ok: true, next: input.value };
    // An unknown read result constrains nothing.
    return { ok: output === undefined || output === state, next: state };
  },
  key: (state) => state,
};

/** One operation on a key-value map of registers, as recorded by a test client. */
export interface KvOperation {
  readonly client: number;
  readonly key: string;
  readonly input: RegisterInput;
  readonly output: string | undefined;
  readonly invokedAt: number;
  /** Undefined when the outcome is unknown (timed out, failed after it may have been sent). */
  readonly returnedAt: number | undefined;
}

/** The verdict for a whole key-value history, naming the first key that failed. */
export interface KvVerdict {
  readonly verdict: Verdict;
  readonly key?: string;
  readonly operations?: readonly KvOperation[];
}

/**
 * Narrows writes with an unknown outcome when every write of the key has a distinct value:
 * such a write that no read observed can be dropped (it may never have taken effect), and
 * one that was observed must have taken effect before the earliest return of a read that
 * saw it. Both keep exactly the same set of linearizations and shrink the search, which
 * otherwise carries every unknown write to the end of the history.
 */
function narrowUnknownWrites(ops: readonly KvOperation[]): KvOperation[] {
  const written = new Set<string>();
  for (const op of ops) {
    if (op.input.kind !== 'write') continue;
    if (written.has(op.input.value)) return [...ops];
    written.add(op.input.value);
  }
  const firstSeen = new Map<string, number>();
  for (const op of ops) {
    if (op.input.kind !== 'read' || op.output === undefined || op.returnedAt === undefined)
      continue;
    firstSeen.set(op.output, Math.min(firstSeen.get(op.output) ?? Infinity, op.returnedAt));
  }
  const narrowed: KvOperation[] = [];
  for (const op of ops) {
    if (op.input.kind === 'write' && op.returnedAt === undefined) {
      const seen = firstSeen.get(op.input.value);
      if (seen === undefined) continue;
      narrowed.push({ ...op, returnedAt: Math.max(seen, op.invokedAt) });
    } else {
      narrowed.push(op);
    }
  }
  return narrowed;
}

/**
 * Checks a key-value history key by key (linearizability is compositional, so the map is
 * linearizable exactly when every key's register history is). Reads with an unknown
 * outcome are dropped first: they constrain nothing. When every write of a key writes a
 * distinct value, writes with an unknown outcome are narrowed (see narrowUnknownWrites).
 */
export function checkKvHistory(history: readonly KvOperation[], maxSteps?: number): KvVerdict {
  const byKey = new Map<string, KvOperation[]>();
  for (const op of history) {
    if (op.input.kind === 'read' && op.returnedAt === undefined) continue;
    let list = byKey.get(op.key);
    if (!list) byKey.set(op.key, (list = []));
    list.push(op);
  }
  for (const [key, all] of byKey) {
    const ops = narrowUnknownWrites(all);
    const verdict = checkLinearizable<string, RegisterInput, string>(
      registerModel,
      ops satisfies readonly Operation<RegisterInput, string>[],
      maxSteps,
    );
    if (verdict !== 'linearizable') return { verdict, key, operations: ops };
  }
  return { verdict: 'linearizable' };
}

/** A short human-readable rendering of a history, for failure messages. */
export function describeHistory(ops: readonly KvOperation[]): string {
  return ops
    .map((op) => {
      const what =
        op.input.kind === 'write' ? `write(${op.input.value})` : `read()->${op.output ?? '?'}`;
      const end = op.returnedAt === undefined ? '?' : op.returnedAt.toFixed(1);
      return `c${op.client} ${op.key} ${what} [${op.invokedAt.toFixed(1)}, ${end}]`;
    })
    .join('\n');
}
