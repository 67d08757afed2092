import type { EngineTask } from '../../../api/objects/task.ts';
import { CliError } from '../../cli-error.ts';
import type { CommandContext } from '../../command-context.ts';
import { TABLE_FORMAT } from '../../format/list-format.ts';
import { filterFlag } from '../../options/filter-option.ts';
import type { FilterValues } from '../../options/filter-option.ts';
import { minArgs } from '../../shoal-command.ts';
import type { ShoalCommand } from '../../shoal-command.ts';
import { IdResolver } from '../task/id-resolver.ts';
import { renderTasks } from '../task/task-print.ts';

/**
 * `shoal service ps [OPTIONS] SERVICE...`: resolves each service (ID, name or prefix), then
 * `GET /tasks?filters={"service":[ids...],...}` and prints the task history as docker does.
 * Services that cannot be found are reported after the table (exit status 1).
 */
export function addServicePsCommand(service: ShoalCommand, context: CommandContext): void {
  const command = service
    .command('ps')
    .use('[OPTIONS] SERVICE [SERVICE...]')
    .description('List the tasks of one or more services')
    .option('--no-trunc', 'Do not truncate output')
    .option('--no-resolve', 'Do not map IDs to Names')
    .option('-f, --filter <filter>', 'Filter output based on conditions provided', filterFlag)
    .option('--format <string>', 'Pretty-print tasks using a Go template')
    .flag('-q, --quiet', 'Only display task IDs');
  command.run(minArgs(1), async (refs) => {
    const values = command.opts<{
      trunc: boolean;
      resolve: boolean;
      filter?: FilterValues;
      format?: string;
      quiet?: boolean;
    }>();
    const api = context.api();
    const errors: string[] = [];
    const ids: string[] = [];
    for (const ref of refs) {
      try {
        ids.push((await api.serviceInspect(ref)).ID);
      } catch {
        errors.push(`no such service: ${ref}`);
      }
    }
    let tasks: EngineTask[];
    if (ids.length > 0) {
      const filters = new Map(values.filter ?? []);
      filters.set('service', [...(filters.get('service') ?? []), ...ids]);
      tasks = await api.taskList(filters);
      const output = await renderTasks(tasks, new IdResolver(api, !values.resolve), {
        format: values.format ?? TABLE_FORMAT,
        quiet: values.quiet === true,
        truncate: values.trunc,
        now: context.io.clock.now(),
      });
      context.io.stdout.write(output);
    }
    if (errors.length > 0) throw new CliError(errors.join('\n'));
  });
}
