/**
 * Seeded randomness. Every component that needs chance takes an Rng, so a failing run can
 * be replayed from its seed. `fork(label)` derives an independent stream, so adding a
 * consumer in one place does not shift the numbers another place sees.
 */
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n); `n` must be a positive integer. */
  int(n: number): number;
  /** An independent generator derived from this one's seed and `label`. */
  fork(label: string): Rng;
}

function hashString(text: string, seed: number): number {
  let h = (seed ^ 0x811c9dc5) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** mulberry32: small, fast and good enough for simulation and jitter; not for secrets. */
export class SeededRng implements Rng {
  private state: number;
  private readonly seed: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    this.state = this.seed;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0)
      throw new RangeError(`Rng.int needs a positive integer, got ${n}`);
    return Math.floor(this.next() * n);
  }

  fork(label: string): Rng {
    return new SeededRng(hashString(label, this.seed));
  }
}
