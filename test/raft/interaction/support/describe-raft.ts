import { decodeConfChange } from '../../../../src/raft/core/index.ts';
import type {
  ConfState,
  Entry,
  Message,
  NodeId,
  ProgressStatus,
  Ready,
  Status,
} from '../../../../src/raft/core/types.ts';

const decoder = new TextDecoder();

/** `term/index`, followed by `:payload` for a non-empty entry (`:cc(addVoter 4)` for changes). */
export function describeEntry(e: Entry): string {
  const head = `${e.term}/${e.index}`;
  if (e.type === 'confChange') {
    const cc = decodeConfChange(e.data);
    return `${head}:cc(${cc.type} ${cc.nodeId})`;
  }
  return e.data.length === 0 ? head : `${head}:${decoder.decode(e.data)}`;
}

/** Entries as `[1/4 1/5:foo]`. */
export function describeEntries(entries: readonly Entry[]): string {
  return `[${entries.map(describeEntry).join(' ')}]`;
}

function bytes(context: Uint8Array | undefined): string {
  return context === undefined || context.length === 0 ? '' : decoder.decode(context);
}

function ids(list: readonly NodeId[]): string {
  return `(${[...list].sort((a, b) => a - b).join(',')})`;
}

/** A membership as `voters=(1,2,3) learners=(4)`. */
export function describeConfState(cs: ConfState): string {
  return `voters=${ids(cs.voters)} learners=${ids(cs.learners)}`;
}

/** The fields of `m` that matter for its type, after `from->to type term=N`. */
function messageFields(m: Message): string[] {
  const ctx = bytes(m.context);
  const withCtx = (fields: string[]): string[] => (ctx === '' ? fields : [...fields, `ctx=${ctx}`]);
  switch (m.type) {
    case 'app':
      return [
        `log=${m.logTerm}/${m.index}`,
        `commit=${m.commit}`,
        `entries=${describeEntries(m.entries)}`,
      ];
    case 'appResp':
      return m.reject
        ? [`index=${m.index}`, 'reject', `hint=${m.rejectHint}/${m.logTerm}`]
        : [`index=${m.index}`];
    case 'vote':
    case 'preVote':
      return withCtx([`log=${m.logTerm}/${m.index}`]);
    case 'voteResp':
    case 'preVoteResp':
      return m.reject ? ['reject'] : [];
    case 'heartbeat':
      return withCtx([`commit=${m.commit}`]);
    case 'heartbeatResp':
    case 'readIndex':
      return withCtx([]);
    case 'readIndexResp':
      return withCtx([`index=${m.index}`]);
    case 'snap': {
      const meta = m.snapshot?.metadata;
      return meta === undefined
        ? []
        : [`snapshot=${meta.term}/${meta.index}`, describeConfState(meta.confState)];
    }
    case 'prop':
      return [`entries=${describeEntries(m.entries)}`];
    default:
      return m.reject ? ['reject'] : [];
  }
}

/** One message on one line: `1->2 app term=1 log=1/3 commit=3 entries=[1/4]`. */
export function describeMessage(m: Message): string {
  return [`${m.from}->${m.to}`, m.type, `term=${m.term}`, ...messageFields(m)].join(' ');
}

/**
 * A Ready as indented lines under `> id ready`: what changed (soft and hard state), what
 * to persist (entries, snapshot), what to apply, read states, then the messages to send.
 */
export function describeReady(id: NodeId, rd: Ready): string[] {
  const lines = [`> ${id} ready`];
  if (rd.softState !== undefined)
    lines.push(`  role: ${rd.softState.role} leader=${rd.softState.leader}`);
  if (rd.hardState !== undefined) {
    const hs = rd.hardState;
    lines.push(`  hard: term=${hs.term} vote=${hs.vote} commit=${hs.commit}`);
  }
  if (rd.snapshot !== undefined) {
    const meta = rd.snapshot.metadata;
    lines.push(`  snapshot: ${meta.term}/${meta.index} ${describeConfState(meta.confState)}`);
  }
  if (rd.entries.length > 0) lines.push(`  append: ${rd.entries.map(describeEntry).join(' ')}`);
  if (rd.committedEntries.length > 0) {
    lines.push(`  apply: ${rd.committedEntries.map(describeEntry).join(' ')}`);
  }
  for (const rs of rd.readStates)
    lines.push(`  read: index=${rs.index} ctx=${bytes(rs.requestCtx)}`);
  for (const m of rd.messages) lines.push(`  ${describeMessage(m)}`);
  return lines;
}

function describeProgress(id: NodeId, pr: ProgressStatus, self: NodeId): string {
  // The leader's own activity flag is bookkeeping noise: it always hears itself.
  const inactive = !pr.recentActive && id !== self;
  const flags = [pr.isLearner ? 'learner' : '', inactive ? 'inactive' : ''].filter((f) => f !== '');
  return [`  ${id}: match=${pr.match} next=${pr.next} ${pr.state}`, ...flags].join(' ');
}

/** A core's status: one summary line, then (on a leader) one line of progress per member. */
export function describeStatus(st: Status): string[] {
  const hs = st.hardState;
  const head = [
    `${st.id}: ${st.softState.role}`,
    `term=${hs.term} vote=${hs.vote} leader=${st.softState.leader}`,
    `commit=${hs.commit} applied=${st.applied} last=${st.lastIndex}`,
    describeConfState(st.confState),
  ];
  if (st.leadTransferee !== 0) head.push(`transferee=${st.leadTransferee}`);
  const lines = [head.join(' ')];
  const progress = [...(st.progress ?? new Map<NodeId, ProgressStatus>())].sort(
    ([a], [b]) => a - b,
  );
  for (const [id, pr] of progress) lines.push(describeProgress(id, pr, st.id));
  return lines;
}
