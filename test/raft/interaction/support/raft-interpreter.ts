import { ProposalDroppedError } from '../../../../src/raft/core/types.ts';
import type { ConfChangeType, NodeId } from '../../../../src/raft/core/types.ts';
import { Network } from '../../paper/support/network.ts';
import type { PeerConfig } from '../../paper/support/network.ts';
import { describeEntry, describeMessage, describeReady, describeStatus } from './describe-raft.ts';

const encoder = new TextEncoder();

const CONF_CHANGE_TYPES: Record<string, ConfChangeType> = {
  'add-voter': 'addVoter',
  'add-learner': 'addLearner',
  remove: 'removeNode',
};

/** Positional words and `key=value` options of one command line. */
interface Args {
  readonly words: string[];
  readonly options: Map<string, string>;
}

function parseArgs(tokens: readonly string[]): Args {
  const words: string[] = [];
  const options = new Map<string, string>();
  for (const token of tokens) {
    const eq = token.indexOf('=');
    if (eq > 0) options.set(token.slice(0, eq), token.slice(eq + 1));
    else words.push(token);
  }
  return { words, options };
}

function toId(word: string | undefined, what = 'node ID'): NodeId {
  const n = Number(word);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new Error(`expected a ${what}, got '${word ?? ''}'`);
  return n;
}

/** `(1,2,3)` to `[1, 2, 3]`; `()` to `[]`. */
function toIdList(text: string): NodeId[] {
  const inner = text.replace(/^\(/, '').replace(/\)$/, '').trim();
  return inner === '' ? [] : inner.split(',').map((w) => toId(w.trim()));
}

function toBool(text: string): boolean {
  if (text !== 'true' && text !== 'false') throw new Error(`expected true or false, got '${text}'`);
  return text === 'true';
}

function peerConfig(options: ReadonlyMap<string, string>): PeerConfig {
  const config: { -readonly [K in keyof PeerConfig]: PeerConfig[K] } = {};
  for (const [key, value] of options) {
    switch (key) {
      case 'voters':
      case 'learners':
        break;
      case 'prevote':
        config.preVote = toBool(value);
        break;
      case 'checkquorum':
        config.checkQuorum = toBool(value);
        break;
      case 'election':
        config.electionTick = toId(value, 'tick count');
        break;
      case 'heartbeat':
        config.heartbeatTick = toId(value, 'tick count');
        break;
      case 'max-size':
        config.maxSizePerMsg = toId(value, 'byte count');
        break;
      case 'random': {
        // A constant draw: the election timeout becomes election × (1 + random), floored.
        const r = Number(value);
        if (!(r >= 0 && r < 1)) throw new Error(`random must be in [0, 1), got '${value}'`);
        config.random = () => r;
        break;
      }
      default:
        throw new Error(`unknown option ${key}`);
    }
  }
  return config;
}

/**
 * Runs the commands of an interaction script against a {@link Network} and renders what
 * happened as text. Every Ready handled while a command runs is printed, so the output
 * shows each step a node takes. See `../README.md` for the commands.
 */
export class RaftInterpreter {
  private readonly net = new Network();
  private out: string[] = [];
  /** Set while nodes are added: their bootstrap Readys are summarised, not printed. */
  private quiet = false;

  constructor() {
    this.net.onReady.push((id, rd) => {
      if (!this.quiet) this.out.push(...describeReady(id, rd));
    });
  }

  /** Runs one command line; returns its output (`ok` when it printed nothing). */
  run(commandLine: string): string {
    this.out = [];
    const [name = '', ...rest] = commandLine.trim().split(/\s+/);
    try {
      this.dispatch(name, parseArgs(rest), rest);
    } catch (err) {
      if (err instanceof ProposalDroppedError) this.out.push(`dropped: ${err.reason}`);
      else this.out.push(`error: ${err instanceof Error ? err.message : String(err)}`);
    }
    return this.out.length === 0 ? 'ok' : this.out.join('\n');
  }

  private dispatch(name: string, args: Args, raw: readonly string[]): void {
    const { words, options } = args;
    const core = (): ReturnType<Network['peer']>['core'] => this.net.peer(toId(words[0])).core;
    switch (name) {
      case 'add-nodes':
        return this.addNodes(toId(words[0], 'count'), options);
      case 'campaign':
        core().campaign();
        return this.processReady([toId(words[0])]);
      case 'propose':
        core().propose(encoder.encode(words.slice(1).join(' ')));
        return this.processReady([toId(words[0])]);
      case 'propose-conf-change':
        return this.proposeConfChange(words);
      case 'transfer-leader':
        core().transferLeader(toId(words[1]));
        return this.processReady([toId(words[0])]);
      case 'read-index':
        core().readIndex(encoder.encode(words[1] ?? ''));
        return this.processReady([toId(words[0])]);
      case 'tick':
        return this.net.tick(toId(words[0]), words[1] === undefined ? 1 : toId(words[1], 'count'));
      case 'process-ready':
        return this.processReady(
          words.length === 0 ? [...this.net.peers.keys()] : words.map((w) => toId(w)),
        );
      case 'deliver-msgs':
        return this.deliver(words.length === 0 ? undefined : toId(words[0]));
      case 'stabilize':
        return this.stabilize();
      case 'partition':
        return this.partition(raw);
      case 'isolate':
        return this.net.isolate(toId(words[0]));
      case 'heal':
        return this.net.heal();
      case 'compact':
        return this.compact(toId(words[0]));
      case 'status':
        return this.status(words);
      case 'log':
        return this.log(toId(words[0]));
      default:
        throw new Error(`unknown command '${name}'`);
    }
  }

  private addNodes(count: number, options: ReadonlyMap<string, string>): void {
    const voters = toIdList(options.get('voters') ?? '()');
    const learners = toIdList(options.get('learners') ?? '()');
    const config = peerConfig(options);
    const first = this.net.peers.size + 1;
    for (let id = first; id < first + count; id++) {
      this.quiet = true;
      try {
        this.net.add(id, { voters, learners, config });
      } finally {
        this.quiet = false;
      }
      this.out.push(...describeStatus(this.net.status(id)));
    }
  }

  private proposeConfChange(words: readonly string[]): void {
    const type = CONF_CHANGE_TYPES[words[1] ?? ''];
    if (type === undefined) throw new Error(`conf change must be add-voter, add-learner or remove`);
    const id = toId(words[0]);
    this.net.peer(id).core.proposeConfChange({ type, nodeId: toId(words[2]) });
    this.processReady([id]);
  }

  private processReady(ids: readonly NodeId[]): void {
    for (const id of ids) this.net.processReady(id);
  }

  /** Delivers queued messages (to `to` only, if given), printing each, and what was lost. */
  private deliver(to: NodeId | undefined): void {
    const droppedBefore = this.net.dropped.length;
    const done = this.net.deliver(to === undefined ? undefined : (m) => m.to === to);
    for (const m of done) this.out.push(describeMessage(m));
    for (const m of this.net.dropped.slice(droppedBefore))
      this.out.push(`dropped: ${describeMessage(m)}`);
  }

  /** Handles Readys and delivers until quiet; Readys print themselves, losses are listed. */
  private stabilize(): void {
    for (let round = 0; round < 1000; round++) {
      const hadReady = this.net.processAll();
      if (!hadReady && this.net.pending.length === 0) return;
      const droppedBefore = this.net.dropped.length;
      this.net.deliver();
      for (const m of this.net.dropped.slice(droppedBefore))
        this.out.push(`dropped: ${describeMessage(m)}`);
    }
    throw new Error('did not stabilize in 1000 rounds');
  }

  /** `partition 1 | 2 3`: cuts every link between the groups. */
  private partition(raw: readonly string[]): void {
    const groups = raw
      .join(' ')
      .split('|')
      .map((g) =>
        g
          .trim()
          .split(/\s+/)
          .filter((w) => w !== '')
          .map((w) => toId(w)),
      );
    this.net.partition(...groups);
  }

  private compact(id: NodeId): void {
    const snap = this.net.compact(id);
    this.out.push(`snapshot: ${snap.metadata.term}/${snap.metadata.index}`);
  }

  private status(words: readonly string[]): void {
    const ids = words.length === 0 ? [...this.net.peers.keys()] : words.map((w) => toId(w));
    for (const id of ids) this.out.push(...describeStatus(this.net.status(id)));
  }

  private log(id: NodeId): void {
    const { storage } = this.net.peer(id);
    const snap = storage.snapshot().metadata;
    if (snap.index > 0) this.out.push(`snapshot ${snap.term}/${snap.index}`);
    const entries = this.net.log(id);
    if (entries.length === 0 && snap.index === 0) this.out.push('empty');
    for (const e of entries) this.out.push(describeEntry(e));
  }
}
