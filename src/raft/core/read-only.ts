import type { Message, NodeId, ReadOnlyOption } from './types.ts';

/** One ReadIndex request waiting for a quorum of heartbeat acknowledgements. */
export interface PendingRead {
  /** The original request (`from` is the requester, `context` its tag). */
  readonly req: Message;
  /** The leader's commit index when the request arrived. */
  readonly index: number;
  readonly acks: Map<NodeId, boolean>;
}

/** A read request whose leadership confirmation completed. */
export interface ConfirmedRead {
  readonly req: Message;
  readonly index: number;
}

/**
 * The leader's queue of ReadIndex requests (`safe` mode). Requests are keyed by their
 * context bytes; a heartbeat acknowledgement carrying one context also confirms every
 * request queued before it, because the heartbeat round that confirmed the later request
 * started after the earlier ones were recorded.
 */
export class ReadOnly {
  private readonly pending = new Map<string, PendingRead>();
  private queue: string[] = [];

  constructor(readonly option: ReadOnlyOption) {}

  /** Queues `req` at commit index `index`; a duplicate context is ignored. */
  addRequest(index: number, req: Message): void {
    const key = contextKey(req.context);
    if (this.pending.has(key)) return;
    this.pending.set(key, { req, index, acks: new Map() });
    this.queue.push(key);
  }

  /** Records `id`'s acknowledgement of `context`; returns the acks so far, or undefined if unknown. */
  recvAck(id: NodeId, context: Uint8Array): ReadonlyMap<NodeId, boolean> | undefined {
    const read = this.pending.get(contextKey(context));
    if (read === undefined) return undefined;
    read.acks.set(id, true);
    return read.acks;
  }

  /** Releases the request tagged `context` and all queued before it, oldest first. */
  advance(context: Uint8Array): ConfirmedRead[] {
    const key = contextKey(context);
    const at = this.queue.indexOf(key);
    if (at < 0) return [];
    const released = this.queue.slice(0, at + 1);
    this.queue = this.queue.slice(at + 1);
    const out: ConfirmedRead[] = [];
    for (const k of released) {
      const read = this.pending.get(k);
      this.pending.delete(k);
      if (read !== undefined) out.push({ req: read.req, index: read.index });
    }
    return out;
  }

  /** The context of the newest pending request, to ride on the next heartbeat round. */
  lastPendingContext(): Uint8Array | undefined {
    const key = this.queue[this.queue.length - 1];
    return key === undefined ? undefined : this.pending.get(key)?.req.context;
  }
}

function contextKey(context: Uint8Array | undefined): string {
  if (context === undefined) return '';
  let key = '';
  for (const byte of context) key += byte.toString(16).padStart(2, '0');
  return key;
}
