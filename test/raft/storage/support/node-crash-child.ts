/**
 * Child process of crash.test.ts: a single-member RaftNode over a FileStorage, proposing
 * entries as fast as it can until the parent SIGKILLs it.
 *
 * Usage: node-crash-child.ts <dir> <seed> <round>. Prints `ready <applied>` once it leads
 * (`applied` is the index its state machine recovered to), then `ack <index> <payload>` for
 * every proposal the node resolved. Payloads are unique: `r<round>-<n>-` plus padding.
 * The state machine's snapshot image is the JSON array of every `[index, payload]` applied.
 */
import { SystemClock } from '../../../../src/base/clock.ts';
import { SeededRng } from '../../../../src/base/rng.ts';
import { RaftNode } from '../../../../src/raft/node.ts';
import type { StateMachine } from '../../../../src/raft/node.ts';
import { FileStorage } from '../../../../src/raft/storage/file-storage.ts';
import { MemoryNetwork } from '../../../../src/raft/transport/memory-transport.ts';

const [dir, seedText, round] = process.argv.slice(2);
if (dir === undefined || seedText === undefined || round === undefined) {
  throw new Error('usage: node-crash-child.ts <dir> <seed> <round>');
}
const rng = new SeededRng(Number(seedText));
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const IN_FLIGHT = 64;

const applied = new Map<number, string>();
const stateMachine: StateMachine = {
  apply(payload, index) {
    applied.set(index, decoder.decode(payload));
  },
  snapshot() {
    return encoder.encode(JSON.stringify([...applied]));
  },
  restore(image) {
    applied.clear();
    for (const [index, payload] of JSON.parse(decoder.decode(image)) as [number, string][]) {
      applied.set(index, payload);
    }
  },
};

const node = new RaftNode(
  {
    id: 1,
    bootstrap: [1],
    storage: new FileStorage(dir, { segmentBytes: 64 * 1024 }),
    transport: new MemoryNetwork().endpoint(1),
    stateMachine,
    tickMs: 10,
    snapshotEntries: 500,
    catchUpEntries: 100,
  },
  { clock: new SystemClock(), random: () => rng.next() },
);
await node.start();
await new Promise<void>((resolve) => {
  const off = node.onLeaderChange((leader) => {
    if (leader !== 1) return;
    off();
    resolve();
  });
  if (node.leader() === 1) resolve();
  else node.campaign();
});
process.stdout.write(`ready ${node.appliedIndex()}\n`);

let next = 0;
async function proposeForever(): Promise<void> {
  for (;;) {
    const payload = `r${round}-${next++}-${'x'.repeat(rng.int(60))}`;
    const index = await node.propose(encoder.encode(payload));
    process.stdout.write(`ack ${index} ${payload}\n`);
  }
}

for (let i = 0; i < IN_FLIGHT; i++) {
  proposeForever().catch((error: unknown) => {
    process.stderr.write(`proposal failed: ${String(error)}\n`);
    process.exit(1);
  });
}
