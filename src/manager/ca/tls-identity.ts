import type {
  ConnectionOptions,
  PeerCertificate,
  SecureVersion,
  TLSSocket,
  TlsOptions,
} from 'node:tls';
import type { ShoalError } from '../../base/errors.ts';
import { caError } from './ca-errors.ts';
import { readNodeIdentity } from './node-certificate.ts';
import type { NodeIdentity } from './node-certificate.ts';
import { roleOrganizationalUnit } from './node-role.ts';
import type { NodeRole } from './node-role.ts';

/** Swarm's floor for cluster traffic; TLS 1.3 is negotiated when both ends have it. */
export const TLS_MIN_VERSION: SecureVersion = 'TLSv1.2';

/** What a node presents and trusts on the cluster port. */
export interface TlsIdentity {
  /** The node's private key (PKCS#8 PEM). */
  readonly keyPem: string;
  /** The node's certificate chain, leaf first (plus the cross-signed root during a rotation). */
  readonly certChainPem: string;
  /** Root certificates accepted for peers: one root, or old and new during a rotation. */
  readonly trustedRootsPem: readonly string[];
}

/**
 * Who may talk to this node, checked on every connection after the TLS handshake. `isRemoved`
 * and `now` are read at each check, so a node removed from the cluster is refused from the
 * moment the store says so, and expiry follows the injected clock rather than OpenSSL's.
 */
export interface PeerPolicy {
  readonly clusterId: string;
  /** Unix milliseconds, from the caller's Clock. */
  now(): number;
  isRemoved(nodeId: string): boolean;
  /** Roles accepted; all when absent (a manager's dispatcher takes both). */
  readonly allowedRoles?: readonly NodeRole[];
  /** The node a client means to reach, when it knows it. */
  readonly expectedNodeId?: string;
}

function baseOptions(
  identity: TlsIdentity,
): Pick<TlsOptions, 'key' | 'cert' | 'ca' | 'minVersion'> {
  return {
    key: identity.keyPem,
    cert: identity.certChainPem,
    ca: [...identity.trustedRootsPem],
    minVersion: TLS_MIN_VERSION,
  };
}

/**
 * `tls.createServer` options for the cluster port: the node's key and chain, the trusted roots
 * as the only CAs (not the system store), a client certificate required and verified during the
 * handshake. Pair with {@link acceptPeer} in the connection handler for the identity checks.
 */
export function mutualTlsServerOptions(identity: TlsIdentity): TlsOptions {
  return { ...baseOptions(identity), requestCert: true, rejectUnauthorized: true };
}

/**
 * `tls.connect` options for dialling another node: the node's own certificate as client
 * certificate, the trusted roots only, and the server's certificate checked against `policy`
 * in place of a host-name check (nodes are named by ID, not by DNS), so a refused server fails
 * the handshake with the policy's `ShoalError`.
 */
export function mutualTlsClientOptions(
  identity: TlsIdentity,
  policy: PeerPolicy,
): ConnectionOptions {
  return {
    ...baseOptions(identity),
    rejectUnauthorized: true,
    checkServerIdentity: (_host: string, cert: PeerCertificate): Error | undefined => {
      try {
        authorizePeer(readNodeIdentity(cert.raw), policy);
        return undefined;
      } catch (error) {
        return error as Error;
      }
    },
  };
}

/**
 * Checks a verified peer identity against `policy` and returns it. Throws `CA_PEER_FORBIDDEN`
 * for another cluster, a role not allowed or an unexpected node, `CA_NODE_REMOVED` for a
 * removed node (Swarm's "Permission denied" texts) and `CA_PEER_UNAUTHENTICATED` when the
 * certificate is outside its validity at `policy.now()`.
 */
export function authorizePeer(identity: NodeIdentity, policy: PeerPolicy): NodeIdentity {
  const now = policy.now();
  if (now < identity.notBefore || now > identity.notAfter) {
    throw caError('CA_PEER_UNAUTHENTICATED', 'x509: certificate has expired or is not yet valid');
  }
  if (identity.clusterId !== policy.clusterId) {
    throw caError(
      'CA_PEER_FORBIDDEN',
      'Permission denied: remote certificate not part of organization',
    );
  }
  if (policy.isRemoved(identity.nodeId)) {
    throw caError(
      'CA_NODE_REMOVED',
      `Permission denied: node ${identity.nodeId} was removed from swarm`,
    );
  }
  if (policy.allowedRoles !== undefined && !policy.allowedRoles.includes(identity.role)) {
    const ous = policy.allowedRoles.map((role) => roleOrganizationalUnit[role]).join(' ');
    throw caError(
      'CA_PEER_FORBIDDEN',
      `Permission denied: remote certificate not part of OUs: [${ous}]`,
    );
  }
  if (policy.expectedNodeId !== undefined && identity.nodeId !== policy.expectedNodeId) {
    throw caError(
      'CA_PEER_FORBIDDEN',
      `Permission denied: reached node ${identity.nodeId}, expected ${policy.expectedNodeId}`,
    );
  }
  return identity;
}

/**
 * The identity of the peer on a TLS socket whose handshake has completed, checked against
 * `policy`. Throws `CA_PEER_UNAUTHENTICATED` when the handshake did not authorise the peer or it
 * sent no certificate, and whatever {@link authorizePeer} throws.
 */
export function verifyPeer(socket: TLSSocket, policy: PeerPolicy): NodeIdentity {
  const cert = socket.getPeerX509Certificate();
  if (!socket.authorized || cert === undefined) {
    const reason =
      socket.authorizationError === undefined ? '' : ` (${String(socket.authorizationError)})`;
    throw caError(
      'CA_PEER_UNAUTHENTICATED',
      `Permission denied: peer did not present a valid certificate${reason}`,
    );
  }
  return authorizePeer(readNodeIdentity(cert.raw), policy);
}

/**
 * For a server's connection handler: returns the peer's identity when {@link verifyPeer}
 * accepts it; otherwise destroys the socket, reports the refusal to `onRefused` and returns
 * `undefined`. Nothing is read from or written to a refused socket.
 */
export function acceptPeer(
  socket: TLSSocket,
  policy: PeerPolicy,
  onRefused: (error: ShoalError) => void = () => {},
): NodeIdentity | undefined {
  try {
    return verifyPeer(socket, policy);
  } catch (error) {
    socket.destroy();
    onRefused(error as ShoalError);
    return undefined;
  }
}
