import type { EngineNode } from '../../../api/objects/node.ts';
import type { CommandContext } from '../../command-context.ts';
import { renderList, TABLE_FORMAT } from '../../format/list-format.ts';
import { naturalCompare } from '../../format/natural-order.ts';
import { filterFlag } from '../../options/filter-option.ts';
import type { FilterValues } from '../../options/filter-option.ts';
import { noArgs } from '../../shoal-command.ts';
import type { ShoalCommand } from '../../shoal-command.ts';
import { NODE_LIST_HEADER, nodeListFormat, nodeRow } from './node-list-format.ts';

interface ListValues {
  readonly quiet?: boolean;
  readonly format?: string;
  readonly filter?: FilterValues;
}

/**
 * `shoal node ls [-q] [-f key=value] [--format T]`: `GET /nodes?filters=`, then (for a
 * non-empty list, unless `-q`) `GET /info` to mark this node with `*`. Rows are sorted by
 * hostname in natural order.
 */
export function addNodeListCommand(node: ShoalCommand, context: CommandContext): void {
  const command = node
    .command('ls')
    .alias('list')
    .use('[OPTIONS]')
    .description('List nodes in the swarm')
    .flag('-q, --quiet', 'Only display IDs')
    .option('--format <string>', 'Pretty-print nodes using a Go template')
    .option('-f, --filter <filter>', 'Filter output based on conditions provided', filterFlag);
  command.run(noArgs, async () => {
    const values = command.opts<ListValues>();
    const api = context.api();
    const quiet = values.quiet === true;
    const nodes: EngineNode[] = await api.nodeList(values.filter ?? new Map());
    const info = nodes.length > 0 && !quiet ? await api.info() : undefined;
    const format = nodeListFormat(values.format ?? TABLE_FORMAT, quiet);
    const sorted = [...nodes].sort((a, b) =>
      naturalCompare(a.Description?.Hostname ?? '', b.Description?.Hostname ?? ''),
    );
    const selfId = info?.Swarm?.NodeID ?? '';
    const clusterTls = info?.Swarm?.Cluster?.['TLSInfo'] as Parameters<typeof nodeRow>[2];
    const rows = sorted.map((n) => nodeRow(n, selfId, clusterTls));
    context.io.stdout.write(renderList(format, NODE_LIST_HEADER, rows));
  });
}
