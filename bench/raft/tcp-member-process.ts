// One benchmark member in its own process, driven over IPC by tcp-cluster.ts:
//   tsx bench/raft/tcp-member-process.ts <id> <dataRoot> [--encrypt]
import { SystemClock } from '../../src/base/clock.ts';
import type { RaftNode } from '../../src/raft/node.ts';
import { TcpTransport } from '../../src/raft/transport/tcp-transport.ts';
import { leaderElected, startBenchMember } from './bench-member.ts';
import { runLoad } from './load.ts';
import type { FromMember, ToMember } from './tcp-cluster.ts';

const id = Number(process.argv[2]);
const dataRoot = process.argv[3];
const encrypt = process.argv[4] === '--encrypt';
if (!Number.isInteger(id) || id <= 0 || !dataRoot || !process.send) {
  throw new Error('usage: forked by tcp-cluster.ts with <id> <dataRoot>');
}

const tell = (message: FromMember): void => {
  process.send!(message);
};

const transport = new TcpTransport({ id }, { clock: new SystemClock() });
await transport.start();
let node: RaftNode | undefined;

async function handle(message: ToMember): Promise<void> {
  switch (message.type) {
    case 'peers':
      for (const [peer, address] of Object.entries(message.addresses)) {
        if (Number(peer) !== id) transport.setPeer(Number(peer), address);
      }
      node = await startBenchMember(id, dataRoot!, transport, encrypt);
      tell({ type: 'started' });
      return;
    case 'campaign':
      tell({ type: 'leader', leader: await leaderElected(node!) });
      return;
    case 'run': {
      const result = await runLoad(node!, message.options);
      tell({ ...result, type: 'result', latencies: Array.from(result.latencies) });
      return;
    }
    case 'stop':
      await node?.stop();
      await transport.close();
      process.disconnect();
      return;
  }
}

process.on('message', (message: ToMember) => {
  handle(message).catch((err: unknown) => {
    console.error(`bench member ${id}:`, err);
    process.exit(1);
  });
});
// The parent went away: nothing will ever stop us cleanly.
process.on('disconnect', () => process.exit(0));
tell({ type: 'listening', address: transport.address });
