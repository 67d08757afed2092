import type { Task } from '../../api/objects/task.ts';
import type { ExecutorPolicy } from './filters.ts';

/**
 * What shoal's executors can run (DESIGN.md §5): the docker executor runs any container task;
 * the process executor runs a task's command as a host process, so it cannot honour mounts
 * (there is no container filesystem to mount into) or a TTY. Tasks that need them go to
 * docker nodes; where none fits, the task stays pending with "unsupported executor on N
 * nodes". Nodes that do not advertise an executor are taken to run anything.
 */
export const executorCapabilities: ExecutorPolicy = (executor: string | undefined, task: Task) => {
  if (executor !== 'process') return true;
  const container = task.Spec.ContainerSpec;
  return (container?.Mounts ?? []).length === 0 && container?.TTY !== true;
};
