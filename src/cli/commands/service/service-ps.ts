import { CliError } from '../../cli-error.ts';
import type { CommandContext } from '../../command-context.ts';
import { minArgs } from '../../shoal-command.ts';
import type { ShoalCommand } from '../../shoal-command.ts';
import { addTaskListFlags, printTasks } from '../task/task-list-flags.ts';
import type { TaskListValues } from '../task/task-list-flags.ts';

/**
 * `shoal service ps [OPTIONS] SERVICE...`: resolves each service (ID, name or prefix), then
 * `GET /tasks?filters={"service":[ids...],...}` and prints the task history as docker does.
 * Services that cannot be found are reported after the table (exit status 1).
 */
export function addServicePsCommand(service: ShoalCommand, context: CommandContext): void {
  const command = service
    .command('ps')
    .use('[OPTIONS] SERVICE [SERVICE...]')
    .description('List the tasks of one or more services');
  addTaskListFlags(command);
  command.run(minArgs(1), async (refs) => {
    const values = command.opts<TaskListValues>();
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
    if (ids.length > 0) {
      const filters = new Map(values.filter ?? []);
      filters.set('service', [...(filters.get('service') ?? []), ...ids]);
      await printTasks(context, await api.taskList(filters), values);
    }
    if (errors.length > 0) throw new CliError(errors.join('\n'));
  });
}
