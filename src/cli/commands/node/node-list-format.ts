import type { EngineNode } from '../../../api/objects/node.ts';
import type { TLSInfo } from '../../../api/objects/common.ts';
import { goStruct } from '../../format/go-template/go-template.ts';
import { QUIET_FORMAT, RAW_FORMAT, TABLE_FORMAT } from '../../format/list-format.ts';
import { prettyPrint } from '../../format/pretty-print.ts';

/** `node ls`'s default table: the ID (with ` *` for this node) and five columns. */
export const NODE_TABLE_FORMAT =
  'table {{.ID}} {{if .Self}}*{{else}} {{end}}\t{{.Hostname}}\t{{.Status}}\t{{.Availability}}\t{{.ManagerStatus}}\t{{.EngineVersion}}';

/** Column titles by row field, for the header of any table format. */
export const NODE_LIST_HEADER: Readonly<Record<string, string>> = {
  ID: 'ID',
  Self: '',
  Hostname: 'HOSTNAME',
  Status: 'STATUS',
  Availability: 'AVAILABILITY',
  ManagerStatus: 'MANAGER STATUS',
  EngineVersion: 'ENGINE VERSION',
  TLSStatus: 'TLS STATUS',
};

/** The template a `node ls --format` value stands for (`table`, `raw`, or the user's own). */
export function nodeListFormat(source: string, quiet: boolean): string {
  if (source === TABLE_FORMAT) return quiet ? QUIET_FORMAT : NODE_TABLE_FORMAT;
  if (source === RAW_FORMAT) {
    return quiet
      ? 'node_id: {{.ID}}'
      : 'node_id: {{.ID}}\\nhostname: {{.Hostname}}\\nstatus: {{.Status}}\\navailability: {{.Availability}}\\nmanager_status: {{.ManagerStatus}}\\n';
  }
  return source;
}

const isEmptyTls = (tls: TLSInfo | undefined): boolean =>
  (tls?.TrustRoot ?? '') === '' &&
  (tls?.CertIssuerSubject ?? '') === '' &&
  (tls?.CertIssuerPublicKey ?? '') === '';

const sameTls = (a: TLSInfo | undefined, b: TLSInfo | undefined): boolean =>
  a?.TrustRoot === b?.TrustRoot &&
  a?.CertIssuerSubject === b?.CertIssuerSubject &&
  a?.CertIssuerPublicKey === b?.CertIssuerPublicKey;

/** What a `node ls` row offers a template; `{{json .}}` prints these keys, sorted. */
export interface NodeRow {
  readonly Availability: string;
  readonly EngineVersion: string;
  readonly Hostname: string;
  readonly ID: string;
  readonly ManagerStatus: string;
  readonly Self: boolean;
  readonly Status: string;
  readonly TLSStatus: string;
}

/**
 * One node as a `node ls` row: states pretty-printed (`Ready`, `Drain`), MANAGER STATUS
 * `Leader` or the reachability, and TLS STATUS comparing the node's certificate issuer
 * with the cluster's (`Ready`, `Needs Rotation`, `Unknown`). `selfId` is this daemon's
 * node ID from `/info`; `clusterTls` the cluster's TLS info there. Pure.
 */
export function nodeRow(
  node: EngineNode,
  selfId: string,
  clusterTls: TLSInfo | undefined,
): NodeRow {
  const manager = node.ManagerStatus;
  const reachability =
    manager === undefined ? '' : manager.Leader === true ? 'Leader' : manager.Reachability;
  const nodeTls = node.Description?.TLSInfo;
  const tlsStatus =
    clusterTls === undefined || isEmptyTls(clusterTls) || isEmptyTls(nodeTls)
      ? 'Unknown'
      : sameTls(nodeTls, clusterTls)
        ? 'Ready'
        : 'Needs Rotation';
  return goStruct('*node.nodeContext', {
    Availability: prettyPrint(node.Spec?.Availability ?? ''),
    EngineVersion: node.Description?.Engine?.EngineVersion ?? '',
    Hostname: node.Description?.Hostname ?? '',
    ID: node.ID,
    ManagerStatus: prettyPrint(reachability),
    Self: node.ID === selfId,
    Status: prettyPrint(node.Status?.State ?? ''),
    TLSStatus: tlsStatus,
  });
}
