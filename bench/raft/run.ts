// npm run bench:raft [-- --seconds 3 --warmup 1 --proposers 1,16,256 --mode both --payload 64 --dir /path
//                        --cpu-prof-dir /path (tcp members write CPU profiles there)
//                        --encrypt (storage sealed at rest with AES-256-GCM)]
//
// Commit throughput and latency of a three-member Raft cluster with fsync'd FileStorage:
// first in one process over MemoryTransport, then as three processes over loopback TCP.
// Each proposer loops: propose a small payload to the leader, await its commit (applied on
// the leader). One line per case; see bench/README.md for recorded figures.
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { InProcessCluster } from './in-process-cluster.ts';
import type { LoadResult } from './load.ts';
import { formatLine, summarize } from './load.ts';
import type { LoadOptions } from './tcp-cluster.ts';
import { TcpCluster } from './tcp-cluster.ts';

interface Cluster {
  run(options: LoadOptions): Promise<LoadResult>;
  stop(): Promise<void>;
}

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '1' },
    proposers: { type: 'string', default: '1,16,256' },
    mode: { type: 'string', default: 'both' },
    payload: { type: 'string', default: '64' },
    dir: { type: 'string', default: tmpdir() },
    'cpu-prof-dir': { type: 'string' },
    encrypt: { type: 'boolean', default: false },
  },
});

const modes: Record<string, (dataRoot: string) => Promise<Cluster>> = {
  'in-process': (dataRoot) => InProcessCluster.start(dataRoot, values.encrypt),
  tcp: (dataRoot) => TcpCluster.start(dataRoot, values['cpu-prof-dir'], values.encrypt),
};

const proposerCounts = values.proposers.split(',').map(Number);
const selected = values.mode === 'both' ? Object.keys(modes) : [values.mode];
for (const mode of selected)
  if (!modes[mode]) throw new Error(`unknown --mode ${mode} (in-process, tcp, both)`);

async function runMode(mode: string, dataRoot: string): Promise<void> {
  const cluster = await modes[mode]!(dataRoot);
  try {
    for (const proposers of proposerCounts) {
      const result = await cluster.run({
        proposers,
        warmupMs: Number(values.warmup) * 1000,
        measureMs: Number(values.seconds) * 1000,
        payloadBytes: Number(values.payload),
      });
      console.log(formatLine(mode, proposers, summarize(result)));
    }
  } finally {
    await cluster.stop();
  }
}

const root = await mkdtemp(join(values.dir, 'shoal-bench-raft-'));
try {
  const cpu = cpus()[0]?.model ?? 'unknown cpu';
  console.log(
    `# node ${process.version}, ${cpus().length} x ${cpu}, ${values.payload}-byte payloads, ` +
      `${values.encrypt ? 'encrypted' : 'plaintext'} storage, data in ${root}`,
  );
  for (const mode of selected) await runMode(mode, join(root, mode));
} finally {
  await rm(root, { recursive: true, force: true });
}
