import { readdir, readlink } from 'node:fs/promises';
import { sep } from 'node:path';
import { DockerClient } from '../../agent/exec/docker/docker-client.ts';
import { SWARM_LABELS } from '../../agent/exec/docker/container-config.ts';

/** The path segment every process-executor task sandbox has (`<data>/executor/process/tasks/`). */
const TASKS_SEGMENT = `${sep}executor${sep}process${sep}tasks${sep}`;

/**
 * SIGKILLs every process whose working directory is a process-executor task sandbox under
 * `dir`: tasks outlive their daemon by design, so the tasks of a daemon that was killed
 * (or stopped before its tasks were removed) would otherwise run on after the demo. Only
 * task sandboxes count, never `dir` itself, so a shell the user opened in `dir` survives.
 * Resolves with how many processes it signalled. Linux only (reads `/proc`).
 */
export async function killStrayTaskProcesses(dir: string): Promise<number> {
  const prefix = dir.endsWith(sep) ? dir : `${dir}${sep}`;
  let killed = 0;
  for (const entry of await readdir('/proc').catch(() => [])) {
    if (!/^\d+$/.test(entry)) continue;
    const cwd = await readlink(`/proc/${entry}/cwd`).catch(() => '');
    if (!cwd.startsWith(prefix) || !cwd.includes(TASKS_SEGMENT)) continue;
    try {
      process.kill(Number(entry), 'SIGKILL');
      killed += 1;
    } catch {
      // Gone already, between the scan and the signal.
    }
  }
  return killed;
}

/**
 * Force-removes every Docker container labelled as a task of one of `nodeIds` (the docker
 * executor's `com.docker.swarm.node.id`), for the same reason as
 * {@link killStrayTaskProcesses}. Resolves with how many it removed; a Docker engine that
 * does not answer counts as nothing to remove.
 */
export async function removeStrayContainers(
  nodeIds: readonly string[],
  docker: DockerClient = new DockerClient(),
): Promise<number> {
  let removed = 0;
  for (const nodeId of nodeIds) {
    const filters = JSON.stringify({ label: [`${SWARM_LABELS.nodeId}=${nodeId}`] });
    const containers = await docker
      .json<{ Id: string }[]>('GET', '/containers/json', {
        query: { all: 1, filters },
      })
      .catch(() => []);
    for (const container of containers) {
      await docker
        .call('DELETE', `/containers/${container.Id}`, {
          query: { force: 1 },
        })
        .then(() => (removed += 1))
        .catch(() => undefined);
    }
  }
  return removed;
}
