import type { CliIO } from '../../cli-io.ts';
import { CliError } from '../../cli-error.ts';
import type { EngineApi } from '../../client/engine-api.ts';
import { progressFrame } from './progress-view.ts';

/** How long docker's progress display waits between polls. */
const POLL_MS = 200;
/** The stability window when the service's update config has no monitor period. */
const DEFAULT_MONITOR_MS = 5000;

/**
 * Follows a service until it converges, as docker's `waitOnService` does: polls the service,
 * its `_up-to-date` tasks and the nodes every 200 ms, prints each new frame of the progress
 * display (nothing with `quiet`), then waits the update monitor period to see that the tasks
 * stay up ("verify: Waiting N seconds to verify that tasks are stable...") and ends with
 * "verify: Service converged". Throws docker's errors when the update or rollback pauses
 * or the service was rolled back after a failure. Ctrl-C stops following, not the service.
 */
export async function waitOnService(
  api: EngineApi,
  serviceId: string,
  io: CliIO,
  quiet: boolean,
  rollbackRequested = false,
): Promise<void> {
  const print = (text: string): void => {
    if (!quiet) io.stdout.write(text);
  };
  let interrupted = false;
  const onInterrupt = (): void => {
    interrupted = true;
  };
  process.once('SIGINT', onInterrupt);
  try {
    let previous = '';
    let convergedAt: number | undefined;
    let announced = -1;
    let rollbackReason: string | undefined;
    for (;;) {
      if (interrupted) {
        print(
          `Operation continuing in background.\nUse \`shoal service ps ${serviceId}\` to check progress.\n`,
        );
        return;
      }
      const { service } = await api.serviceGet(serviceId);
      const status = service.UpdateStatus;
      if (status?.State === 'paused')
        throw new CliError(`service update paused: ${status.Message ?? ''}`);
      if (status?.State === 'rollback_paused')
        throw new CliError(`service rollback paused: ${status.Message ?? ''}`);
      const filters = new Map([
        ['service', [service.ID]],
        ['_up-to-date', ['true']],
      ]);
      const [tasks, nodes] = await Promise.all([api.taskList(filters), api.nodeList()]);
      const active = new Set(nodes.filter((n) => n.Status?.State !== 'down').map((n) => n.ID));
      const frame = progressFrame(service, tasks, active);
      const text = frame.lines.join('\n') + '\n';
      if (text !== previous) print(text);
      previous = text;
      const settled =
        status === undefined ||
        status.State === 'completed' ||
        status.State === 'rollback_completed';
      if (status?.State === 'rollback_started') rollbackReason = status.Message;
      if (frame.converged && settled) {
        if (status?.State === 'rollback_completed' && !rollbackRequested) {
          throw new CliError(`service rolled back: ${rollbackReason ?? status.Message ?? ''}`);
        }
        if (frame.job) {
          print('job complete\n');
          return;
        }
        const monitor = monitorMs(service.Spec.UpdateConfig?.Monitor);
        convergedAt ??= io.clock.now();
        const left = Math.ceil((monitor - (io.clock.now() - convergedAt)) / 1000);
        if (left <= 0) {
          print('verify: Service converged\n');
          return;
        }
        if (left !== announced)
          print(`verify: Waiting ${left} seconds to verify that tasks are stable...\n`);
        announced = left;
      } else if (convergedAt !== undefined) {
        print('verify: Detected task failure\n');
        convergedAt = undefined;
        announced = -1;
      }
      await new Promise((resolve) => io.clock.setTimer(POLL_MS, () => resolve(undefined)));
    }
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
}

function monitorMs(ns: number | undefined): number {
  return ns === undefined || ns === 0 ? DEFAULT_MONITOR_MS : ns / 1e6;
}
