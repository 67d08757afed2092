import type { StoreEvent } from './store-event.ts';
import type { WatchOptions } from './subscription.ts';
import { Subscription, watchPredicate } from './subscription.ts';

/**
 * The open watches of a store. `publish` hands each event to every subscription without
 * waiting (each queues, or fails on overflow and leaves the hub), so a slow watcher never
 * holds up the apply path.
 */
export class WatchHub {
  private readonly subscriptions = new Set<Subscription>();

  /** @param queueLimit the default limit of undelivered events per subscription */
  constructor(private readonly queueLimit: number) {}

  /** Number of open subscriptions. */
  get size(): number {
    return this.subscriptions.size;
  }

  /** Opens a subscription to the events published from now on. */
  subscribe(options: WatchOptions): Subscription {
    const subscription = new Subscription(
      watchPredicate(options),
      options.queueLimit ?? this.queueLimit,
      (s) => this.subscriptions.delete(s),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** Delivers `events`, then `marker`, to every subscription, in that order. */
  publish(events: readonly StoreEvent[], marker: StoreEvent): void {
    for (const subscription of this.subscriptions) {
      for (const event of events) subscription.deliver(event);
      subscription.deliver(marker);
    }
  }
}
