// The Raft simulator's command line (`npm run raft:sim`); see README.md in this folder.
import { runSeed } from './simulation.ts';
import type { SeedReport } from './simulation.ts';

/** Parsed `npm run raft:sim` arguments. */
export interface SimArgs {
  readonly seeds: number;
  readonly start: number;
  /** The configurations to run: [3, 5] unless `--nodes` names one. */
  readonly nodes: readonly number[];
  readonly verbose: boolean;
  /** Overrides the steps per seed (`--steps`), for longer hunts. */
  readonly steps?: number;
}

const USAGE =
  'usage: npm run raft:sim -- --seeds N --start S [--nodes 3|5] [--steps K] [--verbose]';

/** Parses the arguments after `--`; throws with the usage line on anything unexpected. */
export function parseSimArgs(argv: readonly string[]): SimArgs {
  let seeds = 100;
  let start = 0;
  let nodes: number[] = [3, 5];
  let verbose = false;
  let steps: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): number => {
      const raw = argv[++i];
      const n = Number(raw);
      if (raw === undefined || !Number.isSafeInteger(n) || n < 0)
        throw new Error(`${flag} needs a non-negative integer\n${USAGE}`);
      return n;
    };
    if (flag === '--seeds') seeds = value();
    else if (flag === '--start') start = value();
    else if (flag === '--steps') steps = value();
    else if (flag === '--nodes') {
      const n = value();
      if (n !== 3 && n !== 5) throw new Error(`--nodes must be 3 or 5\n${USAGE}`);
      nodes = [n];
    } else if (flag === '--verbose') verbose = true;
    else throw new Error(`unknown argument ${flag}\n${USAGE}`);
  }
  return { seeds, start, nodes, verbose, ...(steps === undefined ? {} : { steps }) };
}

/** The command that replays one failing run with its trace. */
export function replayCommand(report: Pick<SeedReport, 'seed' | 'nodes'>): string {
  return `npm run raft:sim -- --seeds 1 --start ${report.seed} --nodes ${report.nodes} --verbose`;
}

/**
 * Runs seeds `start .. start + seeds - 1` in every requested configuration, printing each
 * violation with its replay command, and returns the summary line. A seed counts once in
 * the violation total however many of its configurations fail.
 */
export function runSimulations(
  args: SimArgs,
  print: (line: string) => void,
): { summary: string; violations: number } {
  let violating = 0;
  for (let seed = args.start; seed < args.start + args.seeds; seed++) {
    let failed = false;
    for (const nodes of args.nodes) {
      const report = runSeed({
        seed,
        nodes,
        ...(args.steps === undefined ? {} : { steps: args.steps }),
        ...(args.verbose ? { trace: print } : {}),
      });
      if (args.verbose) print(`seed ${seed} (${nodes} nodes): ${JSON.stringify(report.stats)}`);
      if (report.violation === undefined) continue;
      failed = true;
      print(`FAIL seed ${seed} (${nodes} nodes): ${report.violation.message}`);
      print(`  replay: ${replayCommand(report)}`);
    }
    if (failed) violating++;
  }
  return {
    summary: `raft-sim: ${args.seeds} seeds, ${violating} violations`,
    violations: violating,
  };
}

function main(): void {
  let args: SimArgs;
  try {
    args = parseSimArgs(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  const { summary, violations } = runSimulations(args, (line) => console.log(line));
  console.log(summary);
  process.exitCode = violations > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href)
  main();
