import type { EngineTask } from '../../../api/objects/task.ts';
import { CliError } from '../../cli-error.ts';
import type { CommandContext } from '../../command-context.ts';
import { minArgs } from '../../shoal-command.ts';
import type { ShoalCommand } from '../../shoal-command.ts';
import { addTaskListFlags, printTasks } from '../task/task-list-flags.ts';
import type { TaskListValues } from '../task/task-list-flags.ts';
import { resolveNodeReference } from './node-reference.ts';

/**
 * `shoal node ps [NODE...]` (default `self`): for each node, `GET /nodes/{ref}` then
 * `GET /tasks?filters={"node":{"<id>":true},...}`, and the tasks of all of them as one
 * task table. Nodes that fail are reported after the table (exit status 1).
 */
export function addNodePsCommand(node: ShoalCommand, context: CommandContext): void {
  const command = node
    .command('ps')
    .use('[OPTIONS] [NODE...]')
    .description('List tasks running on one or more nodes, defaults to current node');
  addTaskListFlags(command);
  command.run(minArgs(0), async (args) => {
    const values = command.opts<TaskListValues>();
    const api = context.api();
    const errors: string[] = [];
    const tasks: EngineTask[] = [];
    for (const ref of args.length > 0 ? args : ['self']) {
      try {
        const { node: found } = await api.nodeInspect(await resolveNodeReference(api, ref));
        const filters = new Map(values.filter ?? []);
        filters.set('node', [...(filters.get('node') ?? []), found.ID]);
        tasks.push(...(await api.taskList(filters)));
      } catch (err) {
        errors.push((err as Error).message);
      }
    }
    if (errors.length === 0 || tasks.length > 0) {
      try {
        await printTasks(context, tasks, values);
      } catch (err) {
        errors.push((err as Error).message);
      }
    }
    if (errors.length > 0) throw new CliError(errors.join('\n'));
  });
}
