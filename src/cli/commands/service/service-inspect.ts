import type { EngineService } from '../../../api/objects/service.ts';
import { CliError } from '../../cli-error.ts';
import type { CommandContext } from '../../command-context.ts';
import { asGoValues, goMarshal } from '../../format/go-json.ts';
import { formatGoDuration } from '../../format/go-duration.ts';
import { parseFormat, PRETTY_FORMAT, renderOne } from '../../format/list-format.ts';
import { minArgs } from '../../shoal-command.ts';
import type { ShoalCommand } from '../../shoal-command.ts';

/**
 * `shoal service inspect [--pretty | -f T] SERVICE...`: `GET /services/{id}` for each; JSON
 * array indented by four spaces by default, a template per service with `--format`, or
 * docker's human layout with `--pretty`. Failures are reported after the others (exit 1).
 */
export function addServiceInspectCommand(service: ShoalCommand, context: CommandContext): void {
  const command = service
    .command('inspect')
    .use('[OPTIONS] SERVICE [SERVICE...]')
    .description('Display detailed information on one or more services')
    .option('-f, --format <string>', 'Format the output using the given Go template')
    .flag('--pretty', 'Print the information in a human friendly format');
  command.run(minArgs(1), async (refs) => {
    const values = command.opts<{ format?: string; pretty?: boolean }>();
    const format = values.pretty === true ? PRETTY_FORMAT : (values.format ?? '');
    const api = context.api();
    const errors: string[] = [];
    const found: unknown[] = [];
    let out = '';
    const template = format === '' || format === PRETTY_FORMAT ? undefined : parseTemplate(format);
    for (const ref of refs) {
      try {
        const { service: svc } = await api.serviceGet(ref);
        if (format === PRETTY_FORMAT) out += prettyService(svc);
        else if (template === undefined) found.push(asGoValues(svc));
        else out += renderOne(template, asGoValues(svc));
      } catch (err) {
        errors.push((err as Error).message.replace(/^Error response from daemon: /, 'Error: '));
      }
    }
    if (format === '')
      context.io.stdout.write(`${goMarshal(found, { indent: '    ', escapeHtml: true })}\n`);
    else context.io.stdout.write(out);
    if (errors.length > 0) throw new CliError(errors.join('\n'));
  });
}

function parseTemplate(format: string): ReturnType<typeof parseFormat> {
  try {
    return parseFormat(format);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

/** docker's `service inspect --pretty` layout (the parts shoal's services carry). Pure. */
export function prettyService(service: EngineService): string {
  const spec = service.Spec;
  const task = spec.TaskTemplate ?? {};
  const container = task.ContainerSpec ?? {};
  const lines: string[] = ['', `ID:\t\t${service.ID}`, `Name:\t\t${spec.Name ?? ''}`];
  const labels = Object.entries(spec.Labels ?? {});
  if (labels.length > 0) lines.push('Labels:', ...labels.map(([k, v]) => ` ${k}=${v}`));
  const mode = spec.Mode ?? {};
  if (mode.Global !== undefined) lines.push('Service Mode:\tGlobal');
  else if (mode.ReplicatedJob !== undefined)
    lines.push(
      'Service Mode:\tReplicated Job',
      ` Max Concurrent:\t${mode.ReplicatedJob.MaxConcurrent ?? 1}`,
      ` Total Completions:\t${mode.ReplicatedJob.TotalCompletions ?? 1}`,
    );
  else if (mode.GlobalJob !== undefined) lines.push('Service Mode:\tGlobal Job');
  else lines.push('Service Mode:\tReplicated', ` Replicas:\t${mode.Replicated?.Replicas ?? 1}`);
  const status = service.UpdateStatus;
  if (status !== undefined) {
    lines.push('UpdateStatus:', ` State:\t\t${status.State ?? ''}`);
    if (status.StartedAt !== undefined) lines.push(` Started:\t${status.StartedAt}`);
    if (status.CompletedAt !== undefined) lines.push(` Completed:\t${status.CompletedAt}`);
    lines.push(` Message:\t${status.Message ?? ''}`);
  }
  const placement = task.Placement;
  lines.push('Placement:');
  if ((placement?.Constraints ?? []).length > 0)
    lines.push(` Constraints:\t${JSON.stringify(placement?.Constraints)}`);
  if ((placement?.MaxReplicas ?? 0) > 0)
    lines.push(` Max Replicas Per Node:  ${placement?.MaxReplicas ?? 0}`);
  for (const [title, config] of [
    ['UpdateConfig', spec.UpdateConfig],
    ['RollbackConfig', spec.RollbackConfig],
  ] as const) {
    if (config === undefined) continue;
    lines.push(`${title}:`, ` Parallelism:\t${config.Parallelism ?? 0}`);
    if ((config.Delay ?? 0) > 0) lines.push(` Delay:\t\t${formatGoDuration(config.Delay ?? 0)}`);
    lines.push(
      ` On failure:\t${config.FailureAction ?? 'pause'}`,
      ` Monitoring Period: ${formatGoDuration(config.Monitor ?? 0)}`,
      ` Max failure ratio: ${config.MaxFailureRatio ?? 0}`,
      ` Update order:      ${config.Order ?? 'stop-first'}`,
    );
  }
  lines.push('ContainerSpec:', ` Image:\t\t${container.Image ?? ''}`);
  if ((container.Args ?? []).length > 0)
    lines.push(` Args:\t\t${(container.Args ?? []).join(' ')} `);
  if ((container.Env ?? []).length > 0) lines.push(` Env:\t\t${(container.Env ?? []).join(' ')}`);
  if (container.Dir !== undefined) lines.push(` Dir:\t\t${container.Dir}`);
  if (container.User !== undefined) lines.push(` User: ${container.User}`);
  if (container.Init !== undefined) lines.push(` Init:\t\t${String(container.Init)}`);
  const mounts = container.Mounts ?? [];
  if (mounts.length > 0) {
    lines.push('Mounts:');
    for (const m of mounts)
      lines.push(
        ` Target:\t${m.Target ?? ''}`,
        `  Source:\t${m.Source ?? ''}`,
        `  ReadOnly:\t${String(m.ReadOnly ?? false)}`,
        `  Type:\t\t${m.Type ?? ''}`,
      );
  }
  const res = task.Resources;
  if (res?.Limits !== undefined || res?.Reservations !== undefined) {
    lines.push('Resources:');
    if (res.Reservations !== undefined)
      lines.push(' Reservations:', ...resourceLines(res.Reservations));
    if (res.Limits !== undefined) lines.push(' Limits:', ...resourceLines(res.Limits));
  }
  lines.push(`Endpoint Mode:\t${spec.EndpointSpec?.Mode ?? 'vip'}`);
  const ports = service.Endpoint.Ports ?? spec.EndpointSpec?.Ports ?? [];
  if (ports.length > 0) {
    lines.push('Ports:');
    for (const p of ports)
      lines.push(
        ` PublishedPort = ${p.PublishedPort ?? 0}`,
        `  Protocol = ${p.Protocol ?? 'tcp'}`,
        `  TargetPort = ${p.TargetPort ?? 0}`,
        `  PublishMode = ${p.PublishMode ?? 'ingress'}`,
      );
  }
  return `${lines.join('\n')} \n`;
}

function resourceLines(resources: {
  readonly NanoCPUs?: number;
  readonly MemoryBytes?: number;
}): string[] {
  const out: string[] = [];
  if ((resources.NanoCPUs ?? 0) > 0) out.push(`  CPU:\t\t${(resources.NanoCPUs ?? 0) / 1e9}`);
  if ((resources.MemoryBytes ?? 0) > 0)
    out.push(`  Memory:\t${memory(resources.MemoryBytes ?? 0)}`);
  return out;
}

function memory(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${Number(value.toFixed(4))}${units[i] ?? ''}`;
}
