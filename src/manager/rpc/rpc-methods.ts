import type { NodeRole } from '../ca/node-role.ts';
import type { Access } from './rpc-caller.ts';
import { rpcError } from './rpc-errors.ts';

/**
 * A named RPC method: its wire name (`POST /rpc/<name>`), whether it answers once (`unary`) or
 * with a stream of items (`stream`), who may call it, and `readRequest`, which the server runs
 * on the decoded JSON body before the handler sees it (throwing a `ShoalError`, usually
 * `RPC_BAD_REQUEST`, for a body of the wrong shape). `Res` is the reply (unary) or item
 * (stream) type; it only types the client side.
 */
export interface MethodSpec<Req, Res> {
  readonly name: string;
  readonly kind: 'unary' | 'stream';
  readonly access: Access;
  readonly readRequest: (body: unknown) => Req;
  /** Never set: carries `Res` for type inference. */
  readonly replyType?: Res;
}

/** Reads the string fields `keys` of a JSON object body; throws `RPC_BAD_REQUEST` naming the first bad one. */
export function readStringFields<K extends string>(
  body: unknown,
  keys: readonly K[],
): Record<K, string> {
  if (typeof body !== 'object' || body === null) {
    throw rpcError('RPC_BAD_REQUEST', 'the request body must be a JSON object');
  }
  const record = body as Record<string, unknown>;
  const out = {} as Record<K, string>;
  for (const key of keys) {
    const value = record[key];
    if (typeof value !== 'string') {
      throw rpcError('RPC_BAD_REQUEST', `the request field "${key}" must be a string`);
    }
    out[key] = value;
  }
  return out;
}

/** Reply of {@link getRootCaMethod}. */
export interface GetRootCaReply {
  /** The cluster's root CA certificates (PEM bundle) that join tokens pin. */
  readonly rootCA: string;
}

/**
 * `getRootCA`: the first thing a joining node asks, over a connection it cannot yet verify.
 * The reply is public; the joiner trusts it only once it hashes to the token's digest.
 */
export const getRootCaMethod: MethodSpec<Record<string, never>, GetRootCaReply> = {
  name: 'getRootCA',
  kind: 'unary',
  access: 'anonymous',
  readRequest: () => ({}),
};

/** Request of {@link joinMethod}. */
export interface JoinRequest {
  /** `SWMTKN-1-…`: decides the role, and proves the joiner was invited. A secret. */
  readonly token: string;
  /** PKCS#10 PEM for the joiner's new key; the CA names the certificate itself. */
  readonly csr: string;
  readonly hostname: string;
  /** `host:port` other nodes reach the joiner on. */
  readonly advertiseAddr: string;
}

/** Reply of {@link joinMethod}. */
export interface JoinReply {
  /** The ID the cluster gave the new node; its certificate's CN. */
  readonly nodeId: string;
  /** The signed certificate chain, leaf first. */
  readonly certificate: string;
  /** The root CA bundle to trust from now on. */
  readonly rootCA: string;
  readonly role: NodeRole;
  /** Manager joins only: the raft ID to start under. */
  readonly raftId?: number;
  /** Manager joins only: the Raft members to reach. */
  readonly peers?: readonly { readonly raftId: number; readonly addr: string }[];
}

/**
 * `join`: a node without a certificate presents a join token and a CSR and receives its
 * certificate. Sent only over a connection whose server chains to the root the token pins.
 */
export const joinMethod: MethodSpec<JoinRequest, JoinReply> = {
  name: 'join',
  kind: 'unary',
  access: 'anonymous',
  readRequest: (body) => readStringFields(body, ['token', 'csr', 'hostname', 'advertiseAddr']),
};
