import type { EngineTask } from '../../../api/objects/task.ts';
import type { CommandContext } from '../../command-context.ts';
import { TABLE_FORMAT } from '../../format/list-format.ts';
import { filterFlag } from '../../options/filter-option.ts';
import type { FilterValues } from '../../options/filter-option.ts';
import type { ShoalCommand } from '../../shoal-command.ts';
import { IdResolver } from './id-resolver.ts';
import { renderTasks } from './task-print.ts';

/** The flags of a task listing (`node ps`, `service ps`), as commander keys them. */
export interface TaskListValues {
  /** False with `--no-trunc`. */
  readonly trunc: boolean;
  /** False with `--no-resolve`. */
  readonly resolve: boolean;
  readonly filter?: FilterValues;
  readonly format?: string;
  readonly quiet?: boolean;
}

/** Adds docker's task-listing flags: `--no-trunc`, `--no-resolve`, `-f`, `--format`, `-q`. */
export function addTaskListFlags(command: ShoalCommand): ShoalCommand {
  return command
    .option('--no-trunc', 'Do not truncate output')
    .option('--no-resolve', 'Do not map IDs to Names')
    .option('-f, --filter <filter>', 'Filter output based on conditions provided', filterFlag)
    .option('--format <string>', 'Pretty-print tasks using a Go template')
    .flag('-q, --quiet', 'Only display task IDs');
}

/** Prints `tasks` as the listing's flags ask (see `renderTasks`); throws a format error. */
export async function printTasks(
  context: CommandContext,
  tasks: readonly EngineTask[],
  values: TaskListValues,
): Promise<void> {
  const output = await renderTasks(tasks, new IdResolver(context.api(), !values.resolve), {
    format: values.format ?? TABLE_FORMAT,
    quiet: values.quiet === true,
    truncate: values.trunc,
    now: context.io.clock.now(),
  });
  context.io.stdout.write(output);
}
