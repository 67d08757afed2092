import type { Command } from 'commander';
import { CliError } from '../../cli/cli-error.ts';
import type { ExecutorKind } from '../config.ts';
import { runDemo } from './demo.ts';
import type { DemoOptions } from './demo.ts';

/** A signal this soon after the first is the same Ctrl-C delivered twice. */
const REPEAT_MS = 1_000;

/** The flags as commander hands them over. */
interface DemoFlags {
  readonly dir?: string;
  readonly keep?: boolean;
  readonly executor: string;
  readonly image: string;
  readonly replicas: string;
}

/** Checks the flags; throws a {@link CliError} (exit 125, as for other flag errors) if wrong. */
function demoOptions(flags: DemoFlags): DemoOptions {
  if (!['auto', 'docker', 'process'].includes(flags.executor)) {
    throw new CliError(`invalid --executor "${flags.executor}": use auto, docker or process`, 125);
  }
  const replicas = Number(flags.replicas);
  if (!Number.isInteger(replicas) || replicas < 1) {
    throw new CliError(`invalid --replicas "${flags.replicas}": give a positive integer`, 125);
  }
  return {
    ...(flags.dir === undefined ? {} : { dir: flags.dir }),
    keep: flags.keep === true,
    executor: flags.executor as ExecutorKind,
    image: flags.image,
    replicas,
  };
}

/**
 * Runs {@link runDemo} on this process's stdout, the first SIGINT or SIGTERM stopping it
 * cleanly and a second one (a second or more later) stopping it at once. Resolves with the demo's exit code.
 */
export async function runDemoCommand(options: DemoOptions): Promise<number> {
  const stop = new AbortController();
  const hurry = new AbortController();
  let firstAt = 0;
  const onSignal = (): void => {
    if (!stop.signal.aborted) {
      firstAt = performance.now();
      stop.abort();
      // npx may pass on the Ctrl-C the terminal already sent to the whole group: only a
      // second signal a moment later means "now".
    } else if (performance.now() - firstAt > REPEAT_MS) hurry.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await runDemo(options, {
      out: (text) => process.stdout.write(text),
      stop: stop.signal,
      hurry: hurry.signal,
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Adds `shoal demo` to the CLI program. */
export function addDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'start a three-node swarm on this machine, deploy a service, and stop it all on Ctrl-C',
    )
    .option('--dir <dir>', 'where the nodes keep their data (new or empty; default a temp dir)')
    .option('--keep', 'keep the dir after stopping')
    .option(
      '--executor <kind>',
      'docker, process or auto (docker when a Docker engine answers)',
      'auto',
    )
    .option('--image <image>', "the service's image (used by the docker executor)", 'busybox')
    .option('--replicas <n>', "the service's replicas", '3')
    .action(async (flags: DemoFlags) => {
      const code = await runDemoCommand(demoOptions(flags));
      // runDemo has already said why.
      if (code !== 0) throw new CliError('', code);
    });
}
