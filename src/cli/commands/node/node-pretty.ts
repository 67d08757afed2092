import type { EngineNode } from '../../../api/objects/node.ts';
import { bytesSize } from '../../format/bytes-size.ts';
import { goTimeString } from '../../format/go-time.ts';
import { prettyPrint } from '../../format/pretty-print.ts';

const sortedEntries = (labels: Readonly<Record<string, string>> | undefined): [string, string][] =>
  Object.entries(labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

const labelLines = (labels: Readonly<Record<string, string>> | undefined): string[] =>
  sortedEntries(labels).map(([k, v]) => (v === '' ? ` - ${k}` : ` - ${k}=${v}`));

/** Plugin names by type, in the order the node lists them, joined with ", ". */
function pluginsByType(node: EngineNode): [string, string][] {
  const byType = new Map<string, string[]>();
  for (const plugin of node.Description?.Engine?.Plugins ?? []) {
    byType.set(plugin.Type, [...(byType.get(plugin.Type) ?? []), plugin.Name]);
  }
  return [...byType.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([type, names]) => [type, names.join(', ')]);
}

/**
 * `node inspect --pretty` for one node, byte for byte as docker lays it out: label-value
 * pairs separated by tabs (padded with spaces where docker's layout has them), optional
 * sections (Name, Labels, Message, Address, Manager Status, Plugins, Engine Labels, TLS
 * Info) only when set, memory in binary units, CPUs as whole CPUs, the join time as Go
 * prints a time. No trailing newline. Pure.
 */
export function prettyNode(node: EngineNode): string {
  const d = node.Description ?? {};
  const status = node.Status;
  const lines: string[] = [`ID:\t\t\t${node.ID}`];
  if ((node.Spec?.Name ?? '') !== '') lines.push(`Name:\t\t\t${node.Spec.Name ?? ''}`);
  if (sortedEntries(node.Spec?.Labels).length > 0)
    lines.push('Labels:', ...labelLines(node.Spec.Labels));
  lines.push(`Hostname:              \t${d.Hostname ?? ''}`);
  lines.push(`Joined at:             \t${prettyPrint(goTimeString(node.CreatedAt))}`);
  lines.push('Status:', ` State:\t\t\t${prettyPrint(status?.State ?? '')}`);
  if ((status?.Message ?? '') !== '')
    lines.push(` Message:              \t${prettyPrint(status?.Message ?? '')}`);
  lines.push(` Availability:         \t${prettyPrint(node.Spec?.Availability ?? '')}`);
  if ((status?.Addr ?? '') !== '') lines.push(` Address:\t\t${status?.Addr ?? ''}`);
  const manager = node.ManagerStatus;
  if (manager !== undefined) {
    lines.push(
      'Manager Status:',
      ` Address:\t\t${manager.Addr}`,
      ` Raft Status:\t\t${prettyPrint(manager.Reachability)}`,
      ` Leader:\t\t${manager.Leader === true ? 'Yes' : 'No'}`,
    );
  }
  const cpus = Math.trunc((d.Resources?.NanoCPUs ?? 0) / 1e9);
  const memory = d.Resources?.MemoryBytes ?? 0;
  lines.push(
    'Platform:',
    ` Operating System:\t${d.Platform?.OS ?? ''}`,
    ` Architecture:\t\t${d.Platform?.Architecture ?? ''}`,
    'Resources:',
    ` CPUs:\t\t\t${cpus}`,
    ` Memory:\t\t${memory === 0 ? '' : bytesSize(memory)}`,
  );
  const plugins = pluginsByType(node);
  if (plugins.length > 0) {
    lines.push(
      'Plugins:',
      ...plugins.map(([type, names]) => (names === '' ? ` ${type}:` : ` ${type}:\t\t${names}`)),
    );
  }
  lines.push(`Engine Version:\t\t${d.Engine?.EngineVersion ?? ''}`);
  if (sortedEntries(d.Engine?.Labels).length > 0)
    lines.push('Engine Labels:', ...labelLines(d.Engine?.Labels));
  const tls = d.TLSInfo;
  if (
    (tls?.TrustRoot ?? '') !== '' ||
    (tls?.CertIssuerSubject ?? '') !== '' ||
    (tls?.CertIssuerPublicKey ?? '') !== ''
  ) {
    lines.push(
      'TLS Info:',
      ' TrustRoot:',
      tls?.TrustRoot ?? '',
      ` Issuer Subject:\t${tls?.CertIssuerSubject ?? ''}`,
      ` Issuer Public Key:\t${tls?.CertIssuerPublicKey ?? ''}`,
    );
  }
  return lines.join('\n');
}
