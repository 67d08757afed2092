import type { Message } from '../../../src/raft/core/types.ts';

/** A heartbeat-shaped message with every field filled, overridden by `fields`. */
export function aMessage(fields: Partial<Message> = {}): Message {
  return {
    type: 'app',
    to: 2,
    from: 1,
    term: 1,
    logTerm: 0,
    index: 0,
    entries: [],
    commit: 0,
    reject: false,
    rejectHint: 0,
    ...fields,
  };
}

/** `count` append messages from `from` to `to`, numbered by `index` 1..count, each with one entry. */
export function numberedMessages(
  from: number,
  to: number,
  count: number,
  payloadBytes = 8,
): Message[] {
  const out: Message[] = [];
  for (let i = 1; i <= count; i++) {
    const data = new Uint8Array(payloadBytes).fill(i & 0xff);
    out.push(
      aMessage({ from, to, index: i, entries: [{ term: 1, index: i, type: 'normal', data }] }),
    );
  }
  return out;
}

/** The message with its byte fields as plain Uint8Arrays, for deep comparison after decoding. */
export function normalized(m: Message): Message {
  const { context, snapshot, ...rest } = m;
  return {
    ...rest,
    entries: m.entries.map((e) => ({ ...e, data: Uint8Array.from(e.data) })),
    ...(context ? { context: Uint8Array.from(context) } : {}),
    ...(snapshot ? { snapshot: { ...snapshot, data: Uint8Array.from(snapshot.data) } } : {}),
  };
}
