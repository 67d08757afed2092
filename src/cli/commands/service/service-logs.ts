import type { CommandContext } from '../../command-context.ts';
import { CliError } from '../../cli-error.ts';
import { exactArgs } from '../../shoal-command.ts';
import type { ShoalCommand } from '../../shoal-command.ts';
import { IdResolver } from '../task/id-resolver.ts';
import { LogDemuxer, parseLogLine } from './log-lines.ts';

interface LogsValues {
  readonly follow?: boolean;
  readonly tail?: string;
  readonly since?: string;
  readonly timestamps?: boolean;
  readonly details?: boolean;
  readonly raw?: boolean;
  /** False with `--no-task-ids`. */
  readonly taskIds: boolean;
  /** False with `--no-trunc`. */
  readonly trunc: boolean;
  /** False with `--no-resolve`. */
  readonly resolve: boolean;
}

/**
 * `shoal service logs [OPTIONS] SERVICE|TASK`: streams `GET /services/{id}/logs` (or
 * `/tasks/{id}/logs`) with `details=true` and prints each line behind docker's
 * `<service>.<slot>.<task>@<node>    | ` prefix (unless `--raw`), stdout lines to stdout and
 * stderr lines to stderr. With `--follow` it runs until the stream ends or Ctrl-C.
 */
export function addServiceLogsCommand(service: ShoalCommand, context: CommandContext): void {
  const command = service
    .command('logs')
    .use('[OPTIONS] SERVICE|TASK')
    .description('Fetch the logs of a service or task')
    .flag('-f, --follow', 'Follow log output')
    .option('-n, --tail <string>', 'Number of lines to show from the end of the logs', 'all')
    .option(
      '--since <string>',
      'Show logs since timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)',
    )
    .flag('-t, --timestamps', 'Show timestamps')
    .flag('--details', 'Show extra details provided to logs')
    .flag('--raw', 'Do not neatly format logs')
    .option('--no-task-ids', 'Do not include task IDs in output')
    .option('--no-trunc', 'Do not truncate output')
    .option('--no-resolve', 'Do not map IDs to Names in output');
  command.run(exactArgs(1), async ([ref = '']) => {
    const values = command.opts<LogsValues>();
    const api = context.api();
    let kind: 'services' | 'tasks' = 'services';
    let id: string;
    // As docker's client does, the framing follows the service's TTY setting: API 1.41
    // engines label both framings as raw streams.
    let tty: boolean;
    try {
      const { service: found } = await api.serviceGet(ref);
      id = found.ID;
      tty = found.Spec.TaskTemplate?.ContainerSpec?.TTY === true;
    } catch {
      try {
        const task = await api.taskInspect(ref);
        id = task.ID;
        tty = task.Spec.ContainerSpec?.TTY === true;
        kind = 'tasks';
      } catch {
        throw new CliError(`no such task or service: ${ref}`);
      }
    }
    const timestamps = values.timestamps === true;
    const res = await api.logs(kind, id, {
      details: true,
      follow: values.follow === true ? true : undefined,
      stdout: true,
      stderr: true,
      timestamps: timestamps ? true : undefined,
      tail: values.tail ?? 'all',
      since: values.since,
    });
    const resolver = new IdResolver(api, !values.resolve);
    const slots = new Map<string, number>();
    const demux = new LogDemuxer(tty);
    const onInterrupt = (): void => void res.destroy();
    process.once('SIGINT', onInterrupt);
    try {
      for await (const chunk of res as AsyncIterable<Buffer>) {
        for (const frame of demux.push(chunk)) {
          const line = parseLogLine(frame.stream, frame.text, timestamps);
          const sink = frame.stream === 'stderr' ? context.io.stderr : context.io.stdout;
          if (values.raw === true) {
            sink.write(
              `${line.timestamp === undefined ? '' : `${line.timestamp} `}${line.message}`,
            );
            continue;
          }
          const prefix = await linePrefix(line.details, resolver, values, api, slots);
          const extra = values.details === true ? extraDetails(line.details) : '';
          sink.write(
            `${line.timestamp === undefined ? '' : `${line.timestamp} `}${prefix}    | ${extra}${line.message}`,
          );
        }
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw err;
    } finally {
      process.removeListener('SIGINT', onInterrupt);
    }
  });
}

async function linePrefix(
  details: Readonly<Record<string, string>>,
  resolver: IdResolver,
  values: LogsValues,
  api: ReturnType<CommandContext['api']>,
  slotCache: Map<string, number>,
): Promise<string> {
  const taskId = details['com.docker.swarm.task.id'] ?? '';
  const service = await resolver.service(details['com.docker.swarm.service.id'] ?? '');
  const node = await resolver.node(details['com.docker.swarm.node.id'] ?? '');
  let slot = slotCache.get(taskId);
  if (slot === undefined) {
    const task = await api.taskInspect(taskId).catch(() => undefined);
    slot = task === undefined ? 0 : task.Slot !== 0 ? task.Slot : 0;
    slotCache.set(taskId, slot);
  }
  const slotText = slot === 0 ? (details['com.docker.swarm.node.id'] ?? '') : String(slot);
  if (!values.taskIds) return `${service}.${slotText}@${node}`;
  return `${service}.${slotText}.${values.trunc ? taskId.slice(0, 12) : taskId}@${node}`;
}

function extraDetails(details: Readonly<Record<string, string>>): string {
  const extra = Object.entries(details).filter(([k]) => !k.startsWith('com.docker.swarm.'));
  return extra.length === 0 ? '' : `${extra.map(([k, v]) => `${k}=${v}`).join(',')} `;
}
