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
import { resolveNodeReference } from './node-reference.ts';

interface PsValues {
  /** False with `--no-trunc`. */
  readonly trunc: boolean;
  /** False with `--no-resolve`. */
  readonly resolve: boolean;
  readonly filter?: FilterValues;
  readonly format?: string;
  readonly quiet?: boolean;
}

/**
 * `shoal node ps [NODE...]` (default `self`): for each node, `GET /nodes/{ref}` then
 * `GET /tasks?filters={"node":{"<id>":true},...}`, and the tasks of all of them as one
 * task table. Nodes that fail are reported after the table (exit status 1).
 */
export function addNodePsCommand(node: ShoalCommand, context: CommandContext): void {
  const command = node
    .command('ps')
    .use('[OPTIONS] [NODE...]')
    .description('List tasks running on one or more nodes, defaults to current node')
    .option('--no-trunc', 'Do not truncate output')
    .option('--no-resolve', 'Do not map IDs to Names')
    .option('-f, --filter <filter>', 'Filter output based on conditions provided', filterFlag)
    .option('--format <string>', 'Pretty-print tasks using a Go template')
    .flag('-q, --quiet', 'Only display task IDs');
  command.run(minArgs(0), async (args) => {
    const values = command.opts<PsValues>();
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
        const output = await renderTasks(tasks, new IdResolver(api, !values.resolve), {
          format: values.format ?? TABLE_FORMAT,
          quiet: values.quiet === true,
          truncate: values.trunc,
          now: context.io.clock.now(),
        });
        context.io.stdout.write(output);
      } catch (err) {
        errors.push((err as Error).message);
      }
    }
    if (errors.length > 0) throw new CliError(errors.join('\n'));
  });
}
