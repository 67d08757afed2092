import { InvariantError } from '../../base/errors.ts';

/**
 * The window of append messages a leader has sent to one follower and not yet seen
 * acknowledged, recorded by the last index each message carried. Indexes are added in
 * increasing order and freed from the front when an acknowledgement arrives, so a ring
 * buffer suffices. A full window pauses pipelining to that follower.
 */
export class Inflights {
  private readonly buffer: number[];
  private start = 0;
  private size = 0;

  /** `capacity` is the most messages that may be in flight at once; at least 1. */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`inflights capacity must be a positive integer, got ${capacity}`);
    }
    this.buffer = new Array<number>(capacity).fill(0);
  }

  /** How many messages are in flight. */
  get count(): number {
    return this.size;
  }

  /** True when no further message may be sent until one is acknowledged. */
  full(): boolean {
    return this.size === this.capacity;
  }

  /**
   * Records a message whose last entry is `lastIndex`. Throws {@link InvariantError} when
   * the window is full or the index does not increase, both of which are leader bugs.
   */
  add(lastIndex: number): void {
    if (this.full())
      throw new InvariantError('inflights-not-full', `cannot add ${lastIndex} to a full window`);
    if (this.size > 0 && lastIndex <= this.at(this.size - 1)) {
      throw new InvariantError(
        'inflights-increasing',
        `${lastIndex} is not above ${this.at(this.size - 1)}`,
      );
    }
    this.buffer[(this.start + this.size) % this.capacity] = lastIndex;
    this.size++;
  }

  /** Frees every message whose last index is at or below `index` (they are acknowledged). */
  freeLE(index: number): void {
    while (this.size > 0 && this.at(0) <= index) {
      this.start = (this.start + 1) % this.capacity;
      this.size--;
    }
    if (this.size === 0) this.start = 0;
  }

  /** Frees the oldest message, so a stalled window can make progress after a heartbeat. */
  freeFirstOne(): void {
    if (this.size === 0) return;
    this.freeLE(this.at(0));
  }

  /** Forgets every message (on a change of replication state). */
  reset(): void {
    this.start = 0;
    this.size = 0;
  }

  /** The in-flight last indexes, oldest first (for tests and diagnostics). */
  indexes(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.size; i++) out.push(this.at(i));
    return out;
  }

  private at(offset: number): number {
    return this.buffer[(this.start + offset) % this.capacity] ?? 0;
  }
}
