import type { Rng } from '../../../src/base/rng.ts';
import { ProposalDroppedError } from '../../../src/raft/core/index.ts';
import type { RaftCore } from '../../../src/raft/core/index.ts';
import type { ConfChange, Message, NodeId } from '../../../src/raft/core/types.ts';
import { DurableStore } from './durable-store.ts';
import { INVARIANTS, InvariantChecker, SimViolation } from './invariants.ts';
import type { CommittedLog } from './invariants.ts';
import { SimNetwork } from './network.ts';
import type { LinkFaults } from './network.ts';
import { encodeProposal, entryKey } from './payload.ts';
import type { Proposal } from './payload.ts';
import { SimNode } from './sim-node.ts';
import type { CoreSettings, NodeHost, ShellFault } from './sim-node.ts';

/** How a simulated cluster is laid out. */
export interface ClusterOptions {
  readonly seed: number;
  /** Founding voters are `1..nodes`; one more id (`nodes + 1`) exists as a spare to add. */
  readonly nodes: number;
  readonly settings: CoreSettings;
  readonly link: LinkFaults;
  readonly rng: Rng;
  /** Receives one line per event when set (the `--verbose` trace). */
  readonly trace?: (line: string) => void;
  /** A planted shell bug, for the simulator's self-tests only. */
  readonly shellFault?: ShellFault;
}

/** Bound on messages in flight: enough for every pattern the driver makes, small enough to stay fast. */
const NETWORK_CAPACITY = 400;

/**
 * A simulated cluster: nodes with durable stores, the network between them and the
 * invariant checker watching both. Every operation runs one event to completion (the
 * affected node's Readys drained) so invariants hold between any two operations.
 *
 * The founding members bootstrap as a shell does on an empty data dir (a MemoryStorage
 * holding the founding membership, which the core writes into the log); the spare starts
 * empty with no membership and learns everything from the leader, by log or by snapshot.
 */
export class SimCluster implements NodeHost {
  readonly checker: InvariantChecker;
  readonly network: SimNetwork;
  readonly nodes = new Map<NodeId, SimNode>();
  readonly shellFault: ShellFault | undefined;
  /** The driver step; messages are due at a step. */
  now = 0;
  private nextProposal = 1;
  private readonly trace: ((line: string) => void) | undefined;
  private readonly reports: {
    node: NodeId;
    incarnation: number;
    report: (core: RaftCore) => void;
  }[] = [];
  private appliedListener: ((node: SimNode, proposal: Proposal | undefined) => void) | undefined;

  constructor(options: ClusterOptions) {
    this.trace = options.trace;
    this.shellFault = options.shellFault;
    this.checker = new InvariantChecker(options.seed, `${options.nodes} nodes`);
    this.network = new SimNetwork(options.rng.fork('network'), options.link, NETWORK_CAPACITY);
    const voters = Array.from({ length: options.nodes }, (_, i) => i + 1);
    for (let id = 1; id <= options.nodes + 1; id++) {
      const bootstrap = id <= options.nodes ? { voters, learners: [] } : undefined;
      const durable = new DurableStore({ term: 0, vote: 0, commit: 0 }, undefined);
      this.nodes.set(
        id,
        new SimNode(id, durable, options.settings, options.rng.fork(`node-${id}`), this, bootstrap),
      );
    }
    for (const id of this.nodes.keys()) this.start(id);
  }

  /** Every node id, the spare included. */
  get ids(): NodeId[] {
    return [...this.nodes.keys()];
  }

  node(id: NodeId): SimNode {
    const node = this.nodes.get(id);
    if (node === undefined) throw new Error(`no node ${id}`);
    return node;
  }

  upNodes(): SimNode[] {
    return [...this.nodes.values()].filter((n) => n.up);
  }

  /** The up node that believes it leads the highest term, if any. */
  leader(): SimNode | undefined {
    let best: SimNode | undefined;
    for (const n of this.nodes.values()) {
      if (n.up && n.role === 'leader' && (best === undefined || n.term > best.term)) best = n;
    }
    return best;
  }

  /** Subscribes to applied entries (the liveness probe uses it). */
  onAppliedEntry(
    listener: ((node: SimNode, proposal: Proposal | undefined) => void) | undefined,
  ): void {
    this.appliedListener = listener;
  }

  /** True when a trace is being written; callers skip building trace lines otherwise. */
  get tracing(): boolean {
    return this.trace !== undefined;
  }

  log(line: string): void {
    this.trace?.(`[${this.now}] ${line}`);
  }

  tick(id: NodeId): void {
    this.run(id, (n) => n.core.tick());
  }

  /** Delivers the next due message, if any; returns whether one was taken off the wire. */
  deliverNext(): boolean {
    const flight = this.network.take(this.now);
    if (flight === undefined) return false;
    const m = flight.message;
    const to = this.nodes.get(m.to);
    const lost = to === undefined || !to.up || this.network.isCut(m.from, m.to);
    if (this.trace !== undefined) this.log(`${lost ? 'lose' : 'deliver'} ${describe(m)}`);
    if (lost) this.reportLoss(m, flight.senderIncarnation, true);
    else {
      if (m.type === 'snap')
        this.queueReport(m, flight.senderIncarnation, (core) => core.reportSnapshot(m.to, true));
      this.run(to.id, (n) => n.core.step(m));
    }
    this.flushReports();
    return true;
  }

  /** Proposes a fresh payload on `id`; returns its proposal id, or undefined if refused. */
  propose(id: NodeId): number | undefined {
    const proposal = { id: this.nextProposal++, proposer: id };
    const accepted = this.tryPropose(id, (n) => n.core.propose(encodeProposal(proposal)));
    this.log(`propose p${proposal.id} on ${id}${accepted ? '' : ' (dropped)'}`);
    return accepted ? proposal.id : undefined;
  }

  proposeConfChange(id: NodeId, cc: ConfChange): boolean {
    const accepted = this.tryPropose(id, (n) => n.core.proposeConfChange(cc));
    this.log(`conf change ${cc.type} ${cc.nodeId} on ${id}${accepted ? '' : ' (dropped)'}`);
    return accepted;
  }

  transferLeader(id: NodeId, to: NodeId): void {
    this.log(`transfer leadership ${id} -> ${to}`);
    this.run(id, (n) => n.core.transferLeader(to));
  }

  crash(id: NodeId): void {
    this.log(`crash ${id}`);
    this.node(id).crash();
  }

  restart(id: NodeId): void {
    this.log(`restart ${id}`);
    this.start(id);
  }

  private start(id: NodeId): void {
    const node = this.node(id);
    try {
      node.start();
    } catch (err) {
      throw this.asViolation(err, id);
    }
    this.run(id, () => undefined);
  }

  /** The application on `id` takes a snapshot and compacts all but `keep` entries. */
  compact(id: NodeId, keep: number): void {
    const index = this.run(id, (n) => n.takeSnapshot(keep));
    if (index !== undefined) this.log(`snapshot ${id} at ${index}, keep ${keep}`);
  }

  send(message: Message, from: SimNode): void {
    const copies = this.network.send(message, this.now, from.incarnation);
    if (copies === 0)
      this.reportLoss(message, from.incarnation, this.network.isCut(message.from, message.to));
  }

  onApplied(node: SimNode, proposal: Proposal | undefined): void {
    this.appliedListener?.(node, proposal);
  }

  /** The committed log of `id` for the final acknowledgement check. */
  committedLog(id: NodeId): CommittedLog {
    const node = this.node(id);
    const storage = node.storage;
    return {
      firstIndex: storage.firstIndex(),
      commit: node.commit,
      keyAt: (index) => entryKey(storage.entries(index, index + 1, Number.MAX_SAFE_INTEGER)[0]!),
    };
  }

  /**
   * Runs `action` on an up node, then drains its Readys and any send reports it caused.
   * Anything the core throws becomes a violation naming the node, so a crash inside the
   * core points at its seed like any broken rule. Returns undefined when the node is down.
   */
  private run<T>(id: NodeId, action: (n: SimNode) => T): T | undefined {
    const node = this.node(id);
    if (!node.up) return undefined;
    let result: T;
    try {
      result = action(node);
      node.drain();
    } catch (err) {
      throw this.asViolation(err, id);
    }
    this.flushReports();
    return result;
  }

  private tryPropose(id: NodeId, action: (n: SimNode) => void): boolean {
    const node = this.node(id);
    if (!node.up) return false;
    try {
      action(node);
    } catch (err) {
      if (!(err instanceof ProposalDroppedError)) throw this.asViolation(err, id);
      return false;
    }
    this.run(id, () => undefined);
    return true;
  }

  private asViolation(err: unknown, id: NodeId): Error {
    if (err instanceof SimViolation) return err;
    const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
    return this.checker.violation(INVARIANTS.coreError, `node ${id}: ${detail}`);
  }

  /**
   * What a transport tells its leader about a lost message: a snapshot that did not arrive
   * (always known, the stream fails), and a peer it cannot reach (only when the link is cut
   * or the peer is down; random loss goes unnoticed).
   */
  private reportLoss(m: Message, senderIncarnation: number, unreachable: boolean): void {
    if (m.type === 'snap')
      this.queueReport(m, senderIncarnation, (core) => core.reportSnapshot(m.to, false));
    else if (unreachable && m.type === 'app')
      this.queueReport(m, senderIncarnation, (core) => core.reportUnreachable(m.to));
  }

  /**
   * Reports reach the sender after the event in progress, never in the middle of the
   * sender's Ready, and never reach a sender that has restarted since.
   */
  private queueReport(
    m: Message,
    senderIncarnation: number,
    report: (core: RaftCore) => void,
  ): void {
    this.reports.push({ node: m.from, incarnation: senderIncarnation, report });
  }

  private flushReports(): void {
    while (this.reports.length > 0) {
      const { node, incarnation, report } = this.reports.shift()!;
      const sender = this.nodes.get(node);
      if (sender === undefined || !sender.up || sender.incarnation !== incarnation) continue;
      this.run(node, (n) => report(n.core));
    }
  }
}

/** A one-line description of a message for the trace. */
export function describe(m: Message): string {
  const entries =
    m.entries.length > 0
      ? ` ents=${m.entries[0]!.index}..${m.entries[m.entries.length - 1]!.index}`
      : '';
  const snap = m.snapshot !== undefined ? ` snap@${m.snapshot.metadata.index}` : '';
  const reject = m.reject ? ` reject(hint ${m.rejectHint})` : '';
  return `${m.type} ${m.from}->${m.to} t${m.term} idx${m.index} lt${m.logTerm} c${m.commit}${entries}${snap}${reject}`;
}
