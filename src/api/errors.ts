/**
 * Every stable error code shoal raises, with the HTTP status the API answers it with.
 * Callers match on these codes, never on message text. docs/errors.md describes each one;
 * test/api/errors.test.ts fails if a code is missing there.
 */
export const errorCodes = {
  /** A proposed entry was overwritten by a new leader's log before it committed. */
  RAFT_PROPOSAL_LOST: { status: 503 },
  /** A write was not applied within the proposal timeout (lost leader, lost quorum). */
  RAFT_PROPOSAL_TIMEOUT: { status: 503 },
  /** The Raft node stopped before the request finished. */
  RAFT_STOPPED: { status: 503 },
  /** A snapshot from the leader replaced the log around a proposal: it may or may not have applied. */
  RAFT_PROPOSAL_UNKNOWN: { status: 503 },
  /** The Raft data dir is encrypted at rest but was opened without its data encryption key. */
  RAFT_STORAGE_ENCRYPTED: { status: 503 },
  /** The Raft data dir is plaintext but was opened with a data encryption key (no silent mixing). */
  RAFT_STORAGE_NOT_ENCRYPTED: { status: 500 },
  /** The key given for an encrypted Raft data dir is not the key it was written with. */
  RAFT_STORAGE_KEY_MISMATCH: { status: 500 },
  /** An update carried a stale `meta.version`: another write landed since it was read. */
  STORE_SEQUENCE_CONFLICT: { status: 500 },
  /** A create used an object ID that already exists. */
  STORE_EXISTS: { status: 409 },
  /** A name is already held (case-insensitively) by another object of the same kind. */
  STORE_NAME_CONFLICT: { status: 409 },
  /** An update or delete named an object that does not exist. */
  STORE_NOT_FOUND: { status: 404 },
  /** An encoded store transaction is over the size limit (1.5 MiB). */
  STORE_REQUEST_TOO_LARGE: { status: 400 },
  /** A store watcher fell too far behind and was closed. */
  STORE_WATCH_OVERFLOW: { status: 503 },
  /** `invalid join token`: a join token is not of the form SWMTKN-1-<digest>-<secret>. */
  CA_JOIN_TOKEN_MALFORMED: { status: 400 },
  /** A well-formed join token matches neither the cluster's worker nor its manager token. */
  CA_JOIN_TOKEN_REJECTED: { status: 400 },
  /** The root CA a manager presented does not match the digest in the join token. */
  CA_FINGERPRINT_MISMATCH: { status: 400 },
  /** A certificate signing request is unreadable, badly signed or not ECDSA P-256. */
  CA_CSR_INVALID: { status: 400 },
  /** A certificate or key is unreadable, or lacks the fields the cluster PKI requires. */
  CA_CERT_INVALID: { status: 400 },
  /** A node certificate expiry below the minimum of one hour. */
  CA_CERT_EXPIRY_INVALID: { status: 400 },
  /** A peer presented no certificate, or one that is expired or not from a trusted root. */
  CA_PEER_UNAUTHENTICATED: { status: 401 },
  /** A peer's certificate is from another cluster or carries a role not allowed here. */
  CA_PEER_FORBIDDEN: { status: 403 },
  /** A peer's certificate belongs to a node removed from the cluster. */
  CA_NODE_REMOVED: { status: 403 },
  /** `swarm could not be unlocked: invalid key provided`. */
  UNLOCK_KEY_INVALID: { status: 401 },
  /** The manager's secrets are sealed by autolock and no unlock key has been given. */
  SWARM_LOCKED: { status: 503 },
  /** Encrypted data failed authentication: it was altered, truncated or is corrupt. */
  SEALED_DATA_CORRUPT: { status: 500 },
  /** A spec, request body or query value failed validation; `field` names the culprit. */
  SPEC_INVALID: { status: 400 },
  /** A service update changed the mode (replicated, global, jobs): not allowed. */
  SERVICE_MODE_CHANGE: { status: 501 },
  /** A service update changed the service's name: not supported. */
  SERVICE_RENAME: { status: 501 },
  /** A service update changed only the deprecated top-level `Networks`. */
  SERVICE_NETWORKS_UPDATE: { status: 501 },
  /** `?filters=` is not valid JSON of the accepted shapes, or names an unknown key or value. */
  FILTER_INVALID: { status: 400 },
  /** An ID prefix or name matched more than one object. */
  REFERENCE_AMBIGUOUS: { status: 400 },
  /** No node has this ID, hostname or ID prefix. */
  NODE_NOT_FOUND: { status: 404 },
  /** No service has this ID, name or ID prefix. */
  SERVICE_NOT_FOUND: { status: 404 },
  /** No task has this ID, name or ID prefix. */
  TASK_NOT_FOUND: { status: 404 },
  /** No network has this ID, name or ID prefix. */
  NETWORK_NOT_FOUND: { status: 404 },
  /** No secret has this ID, name or ID prefix. */
  SECRET_NOT_FOUND: { status: 404 },
  /** No config has this ID, name or ID prefix. */
  CONFIG_NOT_FOUND: { status: 404 },
  /** `swarm init` on a node whose store already holds a cluster. */
  SWARM_EXISTS: { status: 503 },
  /** A swarm request reached a store that holds no cluster yet (`swarm init` never ran). */
  SWARM_NOT_INITIALIZED: { status: 503 },
  /** `attempting to demote the last manager of the swarm`. */
  NODE_LAST_MANAGER: { status: 400 },
  /** `can't remove member from the raft: this would result in a loss of quorum`. */
  NODE_QUORUM_LOSS: { status: 400 },
  /** `node X is not down and can't be removed`: removal of a live node without force. */
  NODE_NOT_DOWN: { status: 400 },
  /** `node X is a cluster manager and is a member of the raft cluster...`: demote it first. */
  NODE_IS_MANAGER: { status: 400 },
  /** A node asked to join the managers while its desired role is worker. */
  NODE_NOT_MANAGER: { status: 400 },
  /** A leader-only operation (membership change, heartbeat) reached a manager that does not lead. */
  MANAGER_NOT_LEADER: { status: 503 },
  /** No route matches the request's method and path. */
  API_PAGE_NOT_FOUND: { status: 404 },
  /** The request's `/vX.Y` API version is above or below what this server speaks. */
  API_VERSION_UNSUPPORTED: { status: 400 },
  /** A query parameter (such as `?version=`) is not of the expected form. */
  API_INVALID_PARAMETER: { status: 400 },
  /** The request body is not valid JSON, or not the JSON the endpoint takes. */
  API_INVALID_JSON: { status: 400 },
  /** The request body is over the endpoint's size limit. */
  API_BODY_TOO_LARGE: { status: 413 },
  /** The API socket path is in use by a live server, or is not a socket. */
  API_SOCKET_UNAVAILABLE: { status: 500 },
  /** A `shoal daemon` flag is malformed or unsafe; `field` names the flag. */
  DAEMON_CONFIG_INVALID: { status: 400 },
  /** Another live daemon holds the data dir. */
  DATA_DIR_IN_USE: { status: 409 },
  /** `state.json` in the data dir cannot be read as a node state. */
  NODE_STATE_CORRUPT: { status: 500 },
  /** The data dir records swarm membership this build cannot run. */
  DAEMON_SWARM_UNSUPPORTED: { status: 500 },
  /** A cluster RPC named a method the peer does not serve. */
  RPC_METHOD_NOT_FOUND: { status: 404 },
  /** A cluster RPC's request body is not what the method takes. */
  RPC_BAD_REQUEST: { status: 400 },
  /** The peer could not be reached, or the connection dropped; retryable. */
  RPC_UNAVAILABLE: { status: 503 },
  /** A cluster RPC passed its deadline; retryable. */
  RPC_TIMEOUT: { status: 504 },
  /** The peer failed while handling a cluster RPC. */
  RPC_INTERNAL: { status: 500 },
  /** The peer spoke something other than shoal's cluster protocol. */
  RPC_PROTOCOL: { status: 502 },
  /** A manager-only request reached a node that runs no manager. */
  SWARM_NOT_MANAGER: { status: 503 },
  /** `swarm leave` on a manager without `--force`. */
  SWARM_LEAVE_NEEDS_FORCE: { status: 503 },
  /** `swarm leave` on a node outside any swarm. */
  SWARM_NOT_MEMBER: { status: 503 },
  /** `swarm unlock` on a node that is not locked. */
  SWARM_NOT_LOCKED: { status: 409 },
  /** A node reported the status (or the logs) of a task that is assigned to another node. */
  TASK_NOT_ASSIGNED: { status: 403 },
  /** `rollback=previous` on a service that was never updated (`service X does not have a previous spec`). */
  SERVICE_NO_PREVIOUS_SPEC: { status: 400 },
  /** A service or log request option the Engine refuses with an untyped error (500): unknown `rollback` or `registryAuthFrom`, no log stream chosen, unreadable `tail` or `since`. */
  SERVICE_REQUEST_INVALID: { status: 500 },
  /** A task's spec cannot run on this node's executor (no command, bad Dir, unknown user...). */
  EXECUTOR_TASK_INVALID: { status: 400 },
  /** An executor was asked to start a task it never prepared. */
  EXECUTOR_TASK_NOT_FOUND: { status: 404 },
  /** The executor could not start a task's process or container. */
  EXECUTOR_START_FAILED: { status: 500 },
  /** A task's process did not exit even after SIGKILL. */
  EXECUTOR_STOP_FAILED: { status: 500 },
  /** `No such image: <ref>`: the image is not on the engine and could not be pulled. */
  EXECUTOR_IMAGE_NOT_FOUND: { status: 404 },
  /** The Docker engine's socket does not answer; retryable. */
  EXECUTOR_ENGINE_UNAVAILABLE: { status: 503 },
  /** The Docker engine refused a request; the message carries its words. */
  EXECUTOR_ENGINE_ERROR: { status: 500 },
} as const satisfies Record<string, { status: number }>;

export type ErrorCode = keyof typeof errorCodes;

/** The HTTP status for a code; 500 for a code not in the table (a bug to fix). */
export function statusOf(code: string): number {
  return (errorCodes as Record<string, { status: number } | undefined>)[code]?.status ?? 500;
}
