import type { EngineTask } from '../../api/objects/task.ts';
import type { ServiceSpec } from '../../api/objects/service-spec.ts';
import type { EngineApi } from '../../cli/client/engine-api.ts';
import { waitUntil } from './local-cluster.ts';

/** The service the demo deploys. */
export const DEMO_SERVICE = 'web';

/**
 * The demo task's command: a shell loop every Debian host and every busybox image has. It
 * greets with `$GREETING` (so `service update --env-add GREETING=...` shows a rolling update
 * in the logs) and exits at once on SIGTERM instead of waiting out the stop grace period.
 */
export const DEMO_COMMAND: readonly string[] = [
  'sh',
  '-c',
  'trap "exit 0" TERM INT; while true; do echo "${GREETING:-hello} from $HOSTNAME"; sleep 2; done',
];

/** The spec `shoal service create --name web --replicas N IMAGE sh -c '...'` sends. */
export function demoServiceSpec(image: string, replicas: number): ServiceSpec {
  return {
    Name: DEMO_SERVICE,
    Labels: {},
    TaskTemplate: { ContainerSpec: { Image: image, Args: [...DEMO_COMMAND] } },
    Mode: { Replicated: { Replicas: replicas } },
  };
}

/** Tasks of `service` that should run and do. */
export async function runningTasks(api: EngineApi, service: string): Promise<EngineTask[]> {
  const tasks = await api.taskList(
    new Map([
      ['service', [service]],
      ['desired-state', ['running']],
    ]),
  );
  return tasks.filter((t) => t.Status.State === 'running');
}

/**
 * Waits until `replicas` tasks of `service` run, calling `onProgress` with the count each
 * time it changes. On timeout the error lists the tasks' states and errors (an image that
 * cannot be pulled, no suitable node...), which say more than the count.
 */
export async function waitForReplicas(
  api: EngineApi,
  service: string,
  replicas: number,
  options: { readonly timeoutMs: number; readonly onProgress?: (running: number) => void },
): Promise<void> {
  let last = -1;
  try {
    await waitUntil(
      `${replicas}/${replicas} tasks of ${service} running`,
      options.timeoutMs,
      async () => {
        const running = (await runningTasks(api, service)).length;
        if (running !== last) options.onProgress?.(running);
        last = running;
        return running >= replicas;
      },
    );
  } catch (err) {
    const tasks = await api.taskList(new Map([['service', [service]]])).catch(() => []);
    const states = tasks.map(
      (t) => `  ${t.Slot} ${t.Status.State} ${t.Status.Err ?? t.Status.Message ?? ''}`,
    );
    throw new Error([(err as Error).message, ...states].join('\n'), { cause: err });
  }
}

/**
 * Removes every service and waits (up to `timeoutMs`) until no task is left on a `ready`
 * node, so stopping the daemons afterwards leaves nothing behind there. Resolves false when
 * the wait timed out (the caller then cleans up stray tasks itself).
 */
export async function removeAllServices(api: EngineApi, timeoutMs: number): Promise<boolean> {
  for (const service of await api.serviceList()) {
    await api.serviceRemove(service.ID).catch(() => undefined);
  }
  try {
    await waitUntil('every task to be deleted', timeoutMs, async () => {
      // A down node reports nothing: its tasks are left to the caller's stray cleanup.
      const up = new Set(
        (await api.nodeList()).filter((n) => n.Status.State === 'ready').map((n) => n.ID),
      );
      // The reaper deletes a removed service's tasks once they stopped; the agents then
      // remove what the tasks left (containers, sandboxes), so wait for the deletion.
      const tasks = await api.taskList();
      return tasks.every((t) => !up.has(t.NodeID ?? ''));
    });
    return true;
  } catch {
    return false;
  }
}
