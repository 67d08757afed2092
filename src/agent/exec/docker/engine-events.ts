import { EventEmitter } from 'node:events';
import type { CancelTimer, Clock } from '../../../base/clock.ts';
import type { Logger } from '../../../base/logger.ts';
import { SWARM_LABELS } from './container-config.ts';
import type { DockerClient } from './docker-client.ts';

interface EngineEvent {
  readonly Type?: string;
  readonly Action?: string;
  readonly Actor?: { readonly Attributes?: Readonly<Record<string, string>> };
}

const RECONNECT_MS = 1_000;

/**
 * One `GET /events` stream for the containers of this node (filtered on Swarm's node label),
 * shared by every watcher: an event of a task's container (start, die, health_status...)
 * wakes the watchers of that task, which then inspect it. The stream opens with the first
 * subscriber, reconnects after an error, and closes with the last subscriber or `close()`.
 * Watchers poll slowly as well, so a lost event only delays them.
 */
export class EngineEvents {
  private readonly emitter = new EventEmitter();
  private subscribers = 0;
  private abort: AbortController | undefined;
  private retry: CancelTimer | undefined;
  private closed = false;

  constructor(
    private readonly client: DockerClient,
    private readonly nodeId: string,
    private readonly deps: { clock: Clock; logger: Logger },
  ) {
    this.emitter.setMaxListeners(0);
  }

  /** Calls `fn` on each event of `taskId`'s container; returns the unsubscribe function. */
  subscribe(taskId: string, fn: () => void): () => void {
    this.emitter.on(taskId, fn);
    this.subscribers++;
    if (this.subscribers === 1) this.open();
    return () => {
      this.emitter.off(taskId, fn);
      this.subscribers--;
      if (this.subscribers === 0) this.shut();
    };
  }

  /** Closes the stream for good. */
  close(): void {
    this.closed = true;
    this.shut();
  }

  private shut(): void {
    this.retry?.();
    this.retry = undefined;
    this.abort?.abort();
    this.abort = undefined;
  }

  private open(): void {
    if (this.closed || this.abort !== undefined) return;
    const abort = new AbortController();
    this.abort = abort;
    void this.read(abort.signal).finally(() => {
      if (this.abort !== abort) return;
      this.abort = undefined;
      if (this.subscribers > 0 && !this.closed) {
        this.retry = this.deps.clock.setTimer(RECONNECT_MS, () => this.open());
      }
    });
  }

  private async read(signal: AbortSignal): Promise<void> {
    const filters = JSON.stringify({
      type: ['container'],
      label: [`${SWARM_LABELS.nodeId}=${this.nodeId}`],
    });
    try {
      const response = await this.client.stream('GET', '/events', { query: { filters }, signal });
      let pending = '';
      for await (const chunk of response) {
        pending += (chunk as Buffer).toString('utf8');
        let newline: number;
        while ((newline = pending.indexOf('\n')) !== -1) {
          this.dispatch(pending.slice(0, newline));
          pending = pending.slice(newline + 1);
        }
      }
    } catch (err) {
      if (!signal.aborted)
        this.deps.logger.debug('docker event stream failed', { err: String(err) });
    }
  }

  private dispatch(line: string): void {
    if (line.trim() === '') return;
    let event: EngineEvent;
    try {
      event = JSON.parse(line) as EngineEvent;
    } catch {
      return;
    }
    const taskId = event.Actor?.Attributes?.[SWARM_LABELS.taskId];
    if (taskId !== undefined) this.emitter.emit(taskId);
  }
}
