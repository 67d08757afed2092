/** One chunk of a task's output as the managers relay it to `service logs` and `/tasks/{id}/logs`. */
export interface TaskLogMessage {
  readonly taskId: string;
  readonly serviceId: string;
  readonly nodeId: string;
  readonly stream: 'stdout' | 'stderr';
  /** RFC 3339 time with nanoseconds of when the task wrote it. */
  readonly timestamp: string;
  /** The bytes, base64 on the wire between nodes. */
  readonly data: Uint8Array;
}

/** What `service logs` / `task logs` ask for. */
export interface TaskLogSelector {
  readonly serviceIds?: readonly string[];
  readonly taskIds?: readonly string[];
  readonly follow: boolean;
  /** The last N entries per task (all when undefined). */
  readonly tail?: number;
  /** Entries at or after this time (ms since epoch). */
  readonly since?: number;
}
