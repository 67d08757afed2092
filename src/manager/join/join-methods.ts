import type { TLSInfo } from '../../api/objects/common.ts';
import type { NodeAvailability } from '../../api/objects/node.ts';
import type { NodeRole } from '../ca/node-role.ts';
import { rpcError } from '../rpc/rpc-errors.ts';
import type { JoinReply, JoinRequest, MethodSpec } from '../rpc/rpc-methods.ts';
import { joinMethod, readStringFields } from '../rpc/rpc-methods.ts';

/** A `join` request as the manager reads it: the wire fields plus an optional availability. */
export interface ManagerJoinRequest extends JoinRequest {
  /** `--availability` of `swarm join`; `active` when absent. */
  readonly availability?: NodeAvailability;
}

/**
 * A `join` reply as the manager writes it: {@link JoinReply} plus, for a manager join, the raft
 * ID the joiner must start under and the members to reach. Clients that know only `JoinReply`
 * ignore the extra fields.
 */
export interface ManagerJoinReply extends JoinReply {
  readonly raftId?: number;
  readonly peers?: readonly { readonly raftId: number; readonly addr: string }[];
}

const availabilities: readonly string[] = ['active', 'pause', 'drain'];

/**
 * Reads a `join` body: the four string fields of `joinMethod`, and `availability` when present
 * (`active`, `pause` or `drain`). Throws `RPC_BAD_REQUEST` naming the first bad field.
 */
export function readManagerJoinRequest(body: unknown): ManagerJoinRequest {
  const fields = readStringFields(body, ['token', 'csr', 'hostname', 'advertiseAddr']);
  const availability = (body as Record<string, unknown>)['availability'];
  if (availability === undefined) return fields;
  if (typeof availability !== 'string' || !availabilities.includes(availability)) {
    throw rpcError(
      'RPC_BAD_REQUEST',
      'the request field "availability" must be "active", "pause" or "drain"',
    );
  }
  return { ...fields, availability: availability as NodeAvailability };
}

/** `joinMethod` as the manager registers it: same name and access, the wider request reader. */
export const managerJoinMethod: MethodSpec<ManagerJoinRequest, ManagerJoinReply> = {
  ...joinMethod,
  readRequest: readManagerJoinRequest,
};

/** Request of {@link renewCertificateMethod}: a CSR for the caller's new key. */
export interface RenewCertificateRequest {
  readonly csr: string;
}

/** Reply of {@link renewCertificateMethod}. */
export interface RenewCertificateReply {
  /** The new chain, leaf first, naming the caller with its current role. */
  readonly certificate: string;
  readonly role: NodeRole;
  /** The root CA bundle to trust from now on. */
  readonly rootCA: string;
}

/**
 * `renewCertificate` (nodes of the cluster): the leader signs a certificate for the key in the
 * CSR, naming the caller (from its verified certificate) with the role the store gives it now,
 * so a promoted or demoted node learns its new role this way. Off the leader it fails with
 * `MANAGER_NOT_LEADER`; the node then asks `dispatcher.managers` where the leader is.
 */
export const renewCertificateMethod: MethodSpec<RenewCertificateRequest, RenewCertificateReply> = {
  name: 'renewCertificate',
  kind: 'unary',
  access: 'worker',
  readRequest: (body) => readStringFields(body, ['csr']),
};

/** Request of {@link certificateStatusMethod}: the caller's certificate as it uses it now. */
export interface CertificateStatusRequest {
  /** The issuer of the caller's certificate and the roots it trusts (its `Description.TLSInfo`). */
  readonly tlsInfo: TLSInfo;
}

/** Reply of {@link certificateStatusMethod}. */
export interface CertificateStatusReply {
  /** The role the cluster's records give the caller now: a different one asks for a renewal. */
  readonly role: NodeRole;
  /** The managers want the caller's certificate reissued now (a root rotation is under way). */
  readonly renew: boolean;
  /** The root certificates (one PEM each) to trust now: the root, or old and new mid-rotation. */
  readonly trustedRoots: readonly string[];
}

const tlsInfoKeys = ['TrustRoot', 'CertIssuerSubject', 'CertIssuerPublicKey'] as const;

/**
 * Reads a `certificateStatus` body: `tlsInfo`, an object whose `TrustRoot`,
 * `CertIssuerSubject` and `CertIssuerPublicKey` are strings when present. Throws
 * `RPC_BAD_REQUEST` otherwise.
 */
export function readCertificateStatusRequest(body: unknown): CertificateStatusRequest {
  const tlsInfo = (body as Record<string, unknown> | null)?.['tlsInfo'];
  if (typeof tlsInfo !== 'object' || tlsInfo === null) {
    throw rpcError('RPC_BAD_REQUEST', 'the request field "tlsInfo" must be an object');
  }
  const out: Record<string, string> = {};
  for (const key of tlsInfoKeys) {
    const value = (tlsInfo as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') {
      throw rpcError('RPC_BAD_REQUEST', `the request field "tlsInfo.${key}" must be a string`);
    }
    out[key] = value;
  }
  return { tlsInfo: out };
}

/**
 * `certificateStatus` (nodes of the cluster, leader only): the node reports the certificate it
 * uses (recorded as its `Description.TLSInfo`, which `node ls` and `swarm ca --rotate` read) and
 * learns its role in the records, whether its certificate must be reissued, and the roots to
 * trust. Nodes ask periodically, so the answer converges after a leader change. Off the leader
 * it fails with `MANAGER_NOT_LEADER`.
 */
export const certificateStatusMethod: MethodSpec<CertificateStatusRequest, CertificateStatusReply> =
  {
    name: 'certificateStatus',
    kind: 'unary',
    access: 'worker',
    readRequest: readCertificateStatusRequest,
  };
