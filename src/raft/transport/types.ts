import type { Message, NodeId } from '../core/types.ts';

/** Receives messages addressed to this member, in the order the link delivered them. */
export type MessageHandler = (message: Message) => void;

/**
 * Carries Raft messages between members. Delivery is best effort: messages may be lost,
 * delayed or (across reconnects) duplicated, which Raft tolerates; a transport never
 * reorders messages on one healthy link. `send` never throws and never blocks on the network.
 */
export interface Transport {
  /** Queues messages for their `to` members; unknown or unreachable members are reported, not thrown. */
  send(messages: readonly Message[]): void;
  /** Installs the one handler for incoming messages; set before the first message can arrive. */
  onMessage(handler: MessageHandler): void;
  /** Called when a member could not be reached, so the core can slow its replication to it. */
  onUnreachable(handler: (peer: NodeId) => void): void;
  /** Adds or replaces the address of a member (membership changes, restarts on a new port). */
  setPeer(peer: NodeId, address: string): void;
  removePeer(peer: NodeId): void;
  /** Stops sending and receiving and releases sockets; pending messages are dropped. */
  close(): Promise<void>;
}
