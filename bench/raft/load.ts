import { performance } from 'node:perf_hooks';

/** Anything that commits a payload and resolves once it is applied (a RaftNode). */
export interface Proposer {
  propose(payload: Uint8Array): Promise<number>;
}

/** What one load run measured. */
export interface LoadResult {
  readonly commits: number;
  readonly failures: number;
  readonly seconds: number;
  /** Commit latencies in ms of the proposals that completed inside the measured window. */
  readonly latencies: Float64Array;
}

/** The figures printed for one case. */
export interface LoadSummary {
  readonly commitsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly failures: number;
}

/**
 * Runs `proposers` concurrent loops against `target`, each proposing a `payloadBytes` payload
 * and awaiting its commit before the next. The first `warmupMs` are not counted; after
 * `measureMs` more, the loops stop proposing and the run resolves when all have returned.
 * A failed proposal (no leader yet, leadership change) is counted and the loop goes on.
 */
export async function runLoad(
  target: Proposer,
  options: { proposers: number; warmupMs: number; measureMs: number; payloadBytes: number },
): Promise<LoadResult> {
  const start = performance.now();
  const measureFrom = start + options.warmupMs;
  const stopAt = measureFrom + options.measureMs;
  const latencies: number[] = [];
  let failures = 0;
  const loop = async (worker: number): Promise<void> => {
    const payload = new Uint8Array(options.payloadBytes).fill(worker & 0xff);
    for (;;) {
      const sent = performance.now();
      if (sent >= stopAt) return;
      try {
        await target.propose(payload);
        const done = performance.now();
        if (done >= measureFrom && done <= stopAt) latencies.push(done - sent);
      } catch {
        failures++;
        // A refused proposal returns at once; yield so a leaderless cluster is not spun hot.
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
  };
  await Promise.all(Array.from({ length: options.proposers }, (_, i) => loop(i)));
  return {
    commits: latencies.length,
    failures,
    seconds: options.measureMs / 1000,
    latencies: Float64Array.from(latencies),
  };
}

/** Throughput and the 50th/99th latency percentiles (nearest rank) of a run. */
export function summarize(result: LoadResult): LoadSummary {
  const sorted = Float64Array.from(result.latencies).sort();
  const rank = (p: number): number => {
    if (sorted.length === 0) return Number.NaN;
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
  };
  return {
    commitsPerSecond: result.commits / result.seconds,
    p50: rank(0.5),
    p99: rank(0.99),
    failures: result.failures,
  };
}

/** One result line: `in-process  proposers=256  commits/s=12345  p50=8.1ms  p99=21.0ms`. */
export function formatLine(mode: string, proposers: number, s: LoadSummary): string {
  const failures = s.failures > 0 ? `  failed=${s.failures}` : '';
  return (
    `${mode.padEnd(10)}  proposers=${String(proposers).padEnd(3)}  ` +
    `commits/s=${Math.round(s.commitsPerSecond)}  p50=${s.p50.toFixed(1)}ms  p99=${s.p99.toFixed(1)}ms${failures}`
  );
}
