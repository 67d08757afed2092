import type { RaftNode } from '../../src/raft/node.ts';
import { MemoryNetwork } from '../../src/raft/transport/memory-transport.ts';
import type { MemoryTransport } from '../../src/raft/transport/memory-transport.ts';
import { BENCH_MEMBERS, leaderElected, startBenchMember } from './bench-member.ts';
import type { LoadResult } from './load.ts';
import { runLoad } from './load.ts';

/** Three members in this process over a {@link MemoryNetwork}, each with its own FileStorage. */
export class InProcessCluster {
  private constructor(
    private readonly nodes: ReadonlyMap<number, RaftNode>,
    private readonly transports: readonly MemoryTransport[],
    private readonly leaderId: number,
  ) {}

  /**
   * Starts the members with data under `dataRoot` (encrypted at rest when `encrypt`) and
   * waits for member 1 to lead.
   */
  static async start(dataRoot: string, encrypt = false): Promise<InProcessCluster> {
    const network = new MemoryNetwork();
    const transports = BENCH_MEMBERS.map((id) => network.endpoint(id));
    const nodes = new Map<number, RaftNode>();
    for (const [i, id] of BENCH_MEMBERS.entries()) {
      nodes.set(id, await startBenchMember(id, dataRoot, transports[i]!, encrypt));
    }
    const leader = await leaderElected(nodes.get(BENCH_MEMBERS[0]!)!);
    return new InProcessCluster(nodes, transports, leader);
  }

  /** Runs the proposers against the leader. */
  run(options: Parameters<typeof runLoad>[1]): Promise<LoadResult> {
    return runLoad(this.nodes.get(this.leaderId)!, options);
  }

  /** Stops every node and closes every endpoint. */
  async stop(): Promise<void> {
    await Promise.all([...this.nodes.values()].map((n) => n.stop()));
    await Promise.all(this.transports.map((t) => t.close()));
  }
}
