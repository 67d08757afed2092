// npm run bench:failover [-- --runs 5 --heartbeat-ms 500 --poll-ms 10]
//
// Leader failover time of a three-manager swarm of real `shoal daemon` processes (formed with
// test/cluster/harness.ts). Each run: form the swarm, SIGKILL the leader, then loop over the
// two survivors trying a small write (a node label) until one succeeds. Prints each run's
// milliseconds from SIGKILL to that first successful write, then min/median/max. See
// bench/README.md for recorded figures.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { ResourceTracker } from '../../test/support/resource-tracker.ts';
import type { ClusterNode, TestCluster } from '../../test/cluster/harness.ts';
import { startCluster, tryLabelWrite } from '../../test/cluster/harness.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    'heartbeat-ms': { type: 'string', default: '500' },
    'poll-ms': { type: 'string', default: '10' },
    'give-up-ms': { type: 'string', default: '30000' },
  },
});
const runs = Number(values.runs);
const pollMs = Number(values['poll-ms']);
const giveUpMs = Number(values['give-up-ms']);

/** Milliseconds from SIGKILL of the leader to the first write a survivor accepts. */
async function failoverOnce(cluster: TestCluster, run: number): Promise<number> {
  const leader = await cluster.leader();
  const survivors = cluster.managers().filter((m) => m !== leader);
  const killedAt = performance.now();
  await cluster.kill(leader);
  let attempt = 0;
  for (;;) {
    for (const m of survivors) {
      attempt += 1;
      if (await tryLabelWrite(cluster.api(m), m.id, 'bench-failover', `${run}-${attempt}`)) {
        return report(run, performance.now() - killedAt, leader, m, attempt);
      }
    }
    if (performance.now() - killedAt > giveUpMs) {
      throw new Error(`run ${run}: no survivor accepted a write within ${giveUpMs} ms`);
    }
    await sleep(pollMs);
  }
}

function report(
  run: number,
  ms: number,
  killed: ClusterNode,
  winner: ClusterNode,
  attempts: number,
): number {
  console.log(
    `run ${run}: ${ms.toFixed(0)}ms  killed=${killed.hostname} new-leader=${winner.hostname} attempts=${attempts}`,
  );
  return ms;
}

function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  const at = (i: number): number => sorted[i] ?? Number.NaN;
  return sorted.length % 2 === 1 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
}

async function main(): Promise<void> {
  const times: number[] = [];
  for (let run = 1; run <= runs; run++) {
    const tracker = new ResourceTracker();
    try {
      const cluster = await startCluster({
        managers: 3,
        tracker,
        heartbeatPeriodMs: Number(values['heartbeat-ms']),
      });
      times.push(await failoverOnce(cluster, run));
    } finally {
      await tracker.dispose();
      tracker.assertClean();
    }
  }
  const sorted = [...times].sort((a, b) => a - b);
  const fmt = (ms: number | undefined): string => `${(ms ?? Number.NaN).toFixed(0)}ms`;
  console.log(
    `failover: runs=${sorted.length} median=${fmt(median(sorted))} min=${fmt(sorted[0])} max=${fmt(sorted.at(-1))}`,
  );
}

await main();
