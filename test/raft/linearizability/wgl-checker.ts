/**
 * A linearizability checker in the style of Wing & Gong, with Lowe's memoization: a
 * depth-first search over the order in which operations take effect, pruned by a cache
 * of (set of linearized operations, model state) pairs already explored.
 *
 * Operations whose outcome is unknown (timed out, failed after being sent) have no
 * return time: they may take effect at any point after their invocation, or never.
 */

/** A sequential specification: `step` says whether `op` may produce `output` from `state`. */
export interface Model<S, I, O> {
  readonly init: S;
  step(state: S, input: I, output: O | undefined): { readonly ok: boolean; readonly next: S };
  /** A string that is equal for equal states (it keys the memo cache). */
  key(state: S): string;
}

/** One operation of a history; `returnedAt` is undefined when the outcome is unknown. */
export interface Operation<I, O> {
  readonly input: I;
  /** The observed result; ignored for operations with an unknown outcome. */
  readonly output: O | undefined;
  readonly invokedAt: number;
  readonly returnedAt: number | undefined;
}

/** `unknown` means the search exceeded its step budget before deciding. */
export type Verdict = 'linearizable' | 'notLinearizable' | 'unknown';

interface Node {
  op: number;
  isCall: boolean;
  /** For a call, its matching return node. */
  match: Node | undefined;
  prev: Node | undefined;
  next: Node | undefined;
}

/** A growable bitset whose contents can be turned into a compact cache key. */
class BitSet {
  private readonly words: Uint32Array;
  constructor(size: number) {
    this.words = new Uint32Array(Math.ceil(size / 32) || 1);
  }
  set(i: number): void {
    this.words[i >>> 5]! |= 1 << (i & 31);
  }
  clear(i: number): void {
    this.words[i >>> 5]! &= ~(1 << (i & 31));
  }
  key(): string {
    return this.words.join(',');
  }
}

/** Builds the event list: calls and returns by time, calls first on ties (ties are concurrent). */
function buildEvents<I, O>(ops: readonly Operation<I, O>[]): Node {
  const events: { time: number; isCall: boolean; op: number }[] = [];
  ops.forEach((op, i) => {
    events.push({ time: op.invokedAt, isCall: true, op: i });
    events.push({ time: op.returnedAt ?? Infinity, isCall: false, op: i });
  });
  events.sort(
    (a, b) => a.time - b.time || (a.isCall === b.isCall ? a.op - b.op : a.isCall ? -1 : 1),
  );
  const head: Node = { op: -1, isCall: false, match: undefined, prev: undefined, next: undefined };
  const calls = new Map<number, Node>();
  let tail = head;
  for (const e of events) {
    const node: Node = {
      op: e.op,
      isCall: e.isCall,
      match: undefined,
      prev: tail,
      next: undefined,
    };
    tail.next = node;
    tail = node;
    if (e.isCall) calls.set(e.op, node);
    else calls.get(e.op)!.match = node;
  }
  return head;
}

/** Removes a call and its return from the list; `unlift` puts them back. */
function lift(call: Node): void {
  call.prev!.next = call.next;
  if (call.next) call.next.prev = call.prev;
  const ret = call.match!;
  ret.prev!.next = ret.next;
  if (ret.next) ret.next.prev = ret.prev;
}

function unlift(call: Node): void {
  const ret = call.match!;
  ret.prev!.next = ret;
  if (ret.next) ret.next.prev = ret;
  call.prev!.next = call;
  if (call.next) call.next.prev = call;
}

/**
 * Decides whether `ops` has a linearization under `model`. Operations with an unknown
 * outcome are treated as returning at infinity and their output is not checked, so they
 * may take effect anywhere after their invocation (or, equivalently, never: after every
 * other operation). `maxSteps` bounds the search; exceeding it yields `unknown`.
 */
export function checkLinearizable<S, I, O>(
  model: Model<S, I, O>,
  ops: readonly Operation<I, O>[],
  maxSteps = 5_000_000,
): Verdict {
  const head = buildEvents(ops);
  const linearized = new BitSet(ops.length);
  const cache = new Set<string>();
  const stack: { call: Node; state: S }[] = [];
  let state = model.init;
  let entry = head.next;
  let steps = 0;
  while (head.next) {
    if (++steps > maxSteps) return 'unknown';
    if (!entry) return 'notLinearizable';
    if (entry.isCall) {
      const op = ops[entry.op]!;
      const output = op.returnedAt === undefined ? undefined : op.output;
      const { ok, next } = model.step(state, op.input, output);
      if (ok) {
        linearized.set(entry.op);
        const cacheKey = `${model.key(next)}|${linearized.key()}`;
        if (!cache.has(cacheKey)) {
          cache.add(cacheKey);
          stack.push({ call: entry, state });
          state = next;
          lift(entry);
          entry = head.next;
          continue;
        }
        linearized.clear(entry.op);
      }
      entry = entry.next;
    } else {
      // A return reached before its call was linearized: undo the latest choice.
      const top = stack.pop();
      if (!top) return 'notLinearizable';
      state = top.state;
      linearized.clear(top.call.op);
      unlift(top.call);
      entry = top.call.next;
    }
  }
  return 'linearizable';
}
