import { ShoalError } from '../../base/errors.ts';

/**
 * Error codes of the RPC layer itself (handlers raise their own codes). Their statuses are
 * given here because the central table (`src/api/errors.ts`) does not list them yet.
 */
export type RpcErrorCode =
  | 'RPC_METHOD_NOT_FOUND'
  | 'RPC_BAD_REQUEST'
  | 'RPC_UNAVAILABLE'
  | 'RPC_TIMEOUT'
  | 'RPC_INTERNAL'
  | 'RPC_PROTOCOL';

const statuses: Readonly<Record<RpcErrorCode, number>> = {
  RPC_METHOD_NOT_FOUND: 404,
  RPC_BAD_REQUEST: 400,
  RPC_UNAVAILABLE: 503,
  RPC_TIMEOUT: 504,
  RPC_INTERNAL: 500,
  RPC_PROTOCOL: 502,
};

/**
 * A {@link ShoalError} of the RPC layer. `RPC_UNAVAILABLE` (the peer could not be reached or
 * the connection dropped) and `RPC_TIMEOUT` are marked retryable: the call may be sent again,
 * to the same peer or another manager.
 */
export function rpcError(code: RpcErrorCode, message: string, cause?: unknown): ShoalError {
  return new ShoalError(code, message, {
    status: statuses[code],
    retryable: code === 'RPC_UNAVAILABLE' || code === 'RPC_TIMEOUT',
    ...(cause === undefined ? {} : { cause }),
  });
}
