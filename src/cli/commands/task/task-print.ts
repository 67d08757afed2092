import type { EngineTask } from '../../../api/objects/task.ts';
import { isTableFormat, renderList } from '../../format/list-format.ts';
import { naturalCompare } from '../../format/natural-order.ts';
import type { IdResolver } from './id-resolver.ts';
import { TASK_LIST_HEADER, taskListFormat, taskRow } from './task-list-format.ts';

/** How a task list is printed. */
export interface TaskPrintOptions {
  /** The `--format` value, `table` by default. */
  readonly format: string;
  readonly quiet: boolean;
  /** Cut IDs, images and errors (unless `--no-trunc`). */
  readonly truncate: boolean;
  /** Epoch milliseconds, for "2 hours ago". */
  readonly now: number;
}

/**
 * Renders tasks as docker's `task.Print` does: each named `<service>.<slot>` (or
 * `<service>.<node id>` for global tasks), sorted by name in natural order and, within a
 * slot, newest first; in a table, older tasks of a slot are shown as ` \_ <name>`. Node
 * and service names come from `resolver` (service names first, then node names, in task
 * order, as docker asks). Throws a format error for a bad `--format`.
 */
export async function renderTasks(
  tasks: readonly EngineTask[],
  resolver: IdResolver,
  options: TaskPrintOptions,
): Promise<string> {
  const named: { task: EngineTask; name: string }[] = [];
  for (const task of tasks) {
    const service = await resolver.service(task.ServiceID);
    const suffix = task.Slot !== 0 ? String(task.Slot) : (task.NodeID ?? '');
    named.push({ task, name: `${service}.${suffix}` });
  }
  named.sort((a, b) => naturalCompare(a.name, b.name) || createdDescending(a.task, b.task));
  const format = taskListFormat(options.format, options.quiet);
  const indent = isTableFormat(format) ? ' \\_ ' : '';
  const rows = [];
  let previous = '';
  for (const { task, name } of named) {
    const shown = name === previous ? indent + name : name;
    previous = name;
    const node = await resolver.node(task.NodeID ?? '');
    rows.push(taskRow(task, shown, node, options.truncate, options.now));
  }
  return renderList(format, TASK_LIST_HEADER, rows);
}

function createdDescending(a: EngineTask, b: EngineTask): number {
  const left = Date.parse(a.CreatedAt);
  const right = Date.parse(b.CreatedAt);
  if (Number.isNaN(left) || Number.isNaN(right) || left === right) return 0;
  return right - left;
}
