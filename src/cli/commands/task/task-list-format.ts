import type { EngineTask } from '../../../api/objects/task.ts';
import { goStruct } from '../../format/go-template/go-template.ts';
import { humanAgo } from '../../format/human-duration.ts';
import { QUIET_FORMAT, RAW_FORMAT, TABLE_FORMAT } from '../../format/list-format.ts';
import { prettyPrint, truncateId } from '../../format/pretty-print.ts';
import { familiarImage } from './familiar-image.ts';

/** The task table of `node ps`, `service ps` and `stack ps`. */
export const TASK_TABLE_FORMAT =
  'table {{.ID}}\t{{.Name}}\t{{.Image}}\t{{.Node}}\t{{.DesiredState}}\t{{.CurrentState}}\t{{.Error}}\t{{.Ports}}';

/** Column titles by row field. */
export const TASK_LIST_HEADER: Readonly<Record<string, string>> = {
  ID: 'ID',
  Name: 'NAME',
  Image: 'IMAGE',
  Node: 'NODE',
  DesiredState: 'DESIRED STATE',
  CurrentState: 'CURRENT STATE',
  Error: 'ERROR',
  Ports: 'PORTS',
};

/** Errors are cut to this many characters (with "…") unless `--no-trunc`. */
const MAX_ERROR_LENGTH = 30;

/** The template a task-list `--format` value stands for. */
export function taskListFormat(source: string, quiet: boolean): string {
  if (source === TABLE_FORMAT) return quiet ? QUIET_FORMAT : TASK_TABLE_FORMAT;
  if (source === RAW_FORMAT) {
    return quiet
      ? 'id: {{.ID}}'
      : 'id: {{.ID}}\\nname: {{.Name}}\\nimage: {{.Image}}\\nnode: {{.Node}}\\ndesired_state: {{.DesiredState}}\\ncurrent_state: {{.CurrentState}}\\nerror: {{.Error}}\\nports: {{.Ports}}\\n';
  }
  return source;
}

/** What a task row offers a template; `{{json .}}` prints these keys, sorted. */
export interface TaskRow {
  readonly CurrentState: string;
  readonly DesiredState: string;
  readonly Error: string;
  readonly ID: string;
  readonly Image: string;
  readonly Name: string;
  readonly Node: string;
  readonly Ports: string;
}

/**
 * One task as a row, as docker shows it: IDs cut to 12 characters and images without
 * their digest (unless `!truncate`), CURRENT STATE like "Running 2 hours ago" (against
 * `now`, epoch ms), the error quoted and cut to 30 characters, published ports as
 * `*:8080->80/tcp`. `name` and `node` are the display names already worked out. Pure.
 */
export function taskRow(
  task: EngineTask,
  name: string,
  node: string,
  truncate: boolean,
  now: number,
): TaskRow {
  let error = task.Status?.Err ?? '';
  if (truncate && error.length > MAX_ERROR_LENGTH)
    error = `${error.slice(0, MAX_ERROR_LENGTH - 1)}…`;
  const image = task.Spec?.ContainerSpec?.Image ?? '';
  const ports = (task.Status?.PortStatus?.Ports ?? []).map(
    (p) => `*:${p.PublishedPort ?? 0}->${p.TargetPort ?? 0}/${p.Protocol ?? ''}`,
  );
  return goStruct('*task.taskContext', {
    CurrentState: `${prettyPrint(task.Status?.State ?? '')} ${humanAgo(task.Status?.Timestamp, now)}`,
    DesiredState: prettyPrint(task.DesiredState ?? ''),
    Error: error === '' ? '' : `"${error}"`,
    ID: truncate ? truncateId(task.ID) : task.ID,
    Image: truncate ? familiarImage(image) : image,
    Name: name,
    Node: node,
    Ports: ports.join(','),
  });
}
