import type { TLSInfo } from '../../api/objects/common.ts';
import type { NodeId } from '../../raft/core/types.ts';
import type { MemoryStore } from '../../store/memory-store.ts';
import { nodes } from '../../store/tables.ts';
import { caIssuerInfo, sameIssuer } from '../ca/certificate-issuer-info.ts';
import { clusterTrustedRoots, rootRotationOf } from '../ca/root-rotation-record.ts';
import { requireCluster } from '../controlapi/swarm.ts';
import type { Caller } from '../rpc/rpc-caller.ts';
import { certifiedNode } from './certified-node.ts';
import type { CertificateStatusReply } from './join-methods.ts';

/** What {@link certificateStatus} needs of a manager; a `Manager` fits. */
export interface CertificateStatusHost {
  readonly store: MemoryStore;
  readonly raftView: { leader(): NodeId };
  isLeader(): boolean;
}

function sameTlsInfo(a: TLSInfo | undefined, b: TLSInfo): boolean {
  return (
    a?.TrustRoot === b.TrustRoot &&
    a?.CertIssuerSubject === b.CertIssuerSubject &&
    a?.CertIssuerPublicKey === b.CertIssuerPublicKey
  );
}

async function recordTlsInfo(store: MemoryStore, nodeId: string, tlsInfo: TLSInfo): Promise<void> {
  await store.update((tx) => {
    const node = tx.get(nodes, nodeId);
    if (!node || sameTlsInfo(node.Description?.TLSInfo, tlsInfo)) return;
    tx.update(nodes, { ...node, Description: { ...node.Description, TLSInfo: tlsInfo } });
  });
}

/**
 * The leader's answer to `certificateStatus` from `caller`: records `tlsInfo` as the node's
 * `Description.TLSInfo` when it changed (one write, none when unchanged), and replies with the
 * node's role in the records, whether a root rotation wants its certificate reissued (its
 * issuer is not the new root), and the roots to trust. Level-triggered: it reads only the
 * replicated records, so any leader gives the same answer. Throws `CA_PEER_UNAUTHENTICATED`
 * for an anonymous caller, `MANAGER_NOT_LEADER` off the leader, `CA_NODE_REMOVED` and
 * `NODE_NOT_FOUND`.
 */
export async function certificateStatus(
  host: CertificateStatusHost,
  caller: Caller,
  tlsInfo: TLSInfo,
): Promise<CertificateStatusReply> {
  const node = certifiedNode(host, caller);
  const cluster = requireCluster(host.store);
  const rotation = rootRotationOf(cluster);
  if (!sameTlsInfo(node.Description?.TLSInfo, tlsInfo)) {
    await recordTlsInfo(host.store, node.id, tlsInfo);
  }
  return {
    role: node.Role,
    renew: rotation !== undefined && !sameIssuer(tlsInfo, caIssuerInfo(rotation.CACert)),
    trustedRoots: clusterTrustedRoots(cluster),
  };
}
