import type { EngineService } from '../../../api/objects/service.ts';
import type { CommandContext } from '../../command-context.ts';
import { goStruct } from '../../format/go-template/go-template.ts';
import { QUIET_FORMAT, RAW_FORMAT, renderList, TABLE_FORMAT } from '../../format/list-format.ts';
import { naturalCompare } from '../../format/natural-order.ts';
import { filterFlag } from '../../options/filter-option.ts';
import type { FilterValues } from '../../options/filter-option.ts';
import { noArgs } from '../../shoal-command.ts';
import type { ShoalCommand } from '../../shoal-command.ts';
import { familiarImage } from '../task/familiar-image.ts';

const SERVICE_TABLE_FORMAT =
  'table {{.ID}}\t{{.Name}}\t{{.Mode}}\t{{.Replicas}}\t{{.Image}}\t{{.Ports}}';
const SERVICE_LIST_HEADER: Readonly<Record<string, string>> = {
  ID: 'ID',
  Name: 'NAME',
  Mode: 'MODE',
  Replicas: 'REPLICAS',
  Image: 'IMAGE',
  Ports: 'PORTS',
};

/** A service as a row of `service ls`: REPLICAS `running/desired`, PORTS `*:8080->80/tcp`. Pure. */
export function serviceRow(service: EngineService): Record<string, string> {
  const mode = service.Spec.Mode ?? {};
  const status = service.ServiceStatus;
  const running = status?.RunningTasks ?? 0;
  const desired = status?.DesiredTasks ?? 0;
  let replicas = `${running}/${desired}`;
  const maxPerNode = service.Spec.TaskTemplate?.Placement?.MaxReplicas ?? 0;
  if (mode.Replicated !== undefined && maxPerNode > 0) replicas += ` (max ${maxPerNode} per node)`;
  if (mode.ReplicatedJob !== undefined) {
    const total = mode.ReplicatedJob.TotalCompletions ?? mode.ReplicatedJob.MaxConcurrent ?? 1;
    replicas = `${running}/${desired} (${status?.CompletedTasks ?? 0}/${total} completed)`;
  }
  if (mode.GlobalJob !== undefined) {
    // As docker counts a global job: the tasks still to complete (desired) plus those done.
    const completed = status?.CompletedTasks ?? 0;
    replicas = `${running}/${desired} (${completed}/${desired + completed} completed)`;
  }
  const modeName =
    mode.Global !== undefined
      ? 'global'
      : mode.ReplicatedJob !== undefined
        ? 'replicated job'
        : mode.GlobalJob !== undefined
          ? 'global job'
          : 'replicated';
  const ports = (service.Endpoint.Ports ?? service.Spec.EndpointSpec?.Ports ?? [])
    .filter((p) => p.PublishMode !== 'host' || p.PublishedPort !== undefined)
    .map((p) => `*:${p.PublishedPort ?? 0}->${p.TargetPort ?? 0}/${p.Protocol ?? 'tcp'}`);
  return goStruct('*service.serviceContext', {
    ID: service.ID.slice(0, 12),
    Name: service.Spec.Name ?? '',
    Mode: modeName,
    Replicas: replicas,
    Image: familiarImage(service.Spec.TaskTemplate?.ContainerSpec?.Image ?? ''),
    Ports: ports.join(', '),
  });
}

/**
 * `shoal service ls [-q] [-f key=value] [--format T]`: `GET /services?status=true`, sorted by
 * name in natural order, with docker's columns.
 */
export function addServiceListCommand(service: ShoalCommand, context: CommandContext): void {
  const command = service
    .command('ls')
    .alias('list')
    .use('[OPTIONS]')
    .description('List services')
    .flag('-q, --quiet', 'Only display IDs')
    .option('--format <string>', 'Format output using a custom template')
    .option('-f, --filter <filter>', 'Filter output based on conditions provided', filterFlag);
  command.run(noArgs, async () => {
    const values = command.opts<{ quiet?: boolean; format?: string; filter?: FilterValues }>();
    const services = await context.api().serviceList(values.filter ?? new Map(), true);
    const sorted = [...services].sort((a, b) =>
      naturalCompare(a.Spec.Name ?? '', b.Spec.Name ?? ''),
    );
    const source = values.format ?? TABLE_FORMAT;
    const quiet = values.quiet === true;
    const format =
      source === TABLE_FORMAT
        ? quiet
          ? QUIET_FORMAT
          : SERVICE_TABLE_FORMAT
        : source === RAW_FORMAT
          ? 'id: {{.ID}}\\nname: {{.Name}}\\nmode: {{.Mode}}\\nreplicas: {{.Replicas}}\\nimage: {{.Image}}\\nports: {{.Ports}}\\n'
          : source;
    const rows = sorted.map((s) =>
      quiet && source === TABLE_FORMAT ? { ID: s.ID } : serviceRow(s),
    );
    context.io.stdout.write(renderList(format, SERVICE_LIST_HEADER, rows));
  });
}
