import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BENCH_MEMBERS } from './bench-member.ts';
import type { LoadResult } from './load.ts';

/** Load settings sent to the leader's process. */
export interface LoadOptions {
  readonly proposers: number;
  readonly warmupMs: number;
  readonly measureMs: number;
  readonly payloadBytes: number;
}

/** What the benchmark parent tells a member process. */
export type ToMember =
  | { readonly type: 'peers'; readonly addresses: Record<number, string> }
  | { readonly type: 'campaign' }
  | { readonly type: 'run'; readonly options: LoadOptions }
  | { readonly type: 'stop' };

/** What a member process tells the parent. */
export type FromMember =
  | { readonly type: 'listening'; readonly address: string }
  | { readonly type: 'started' }
  | { readonly type: 'leader'; readonly leader: number }
  | {
      readonly type: 'result';
      readonly commits: number;
      readonly failures: number;
      readonly seconds: number;
      readonly latencies: number[];
    }
  | { readonly type: 'stopped' };

const memberScript = fileURLToPath(new URL('./tcp-member-process.ts', import.meta.url));

/** Resolves with the next message of `type` from `child`; rejects if it exits first. */
function next<T extends FromMember['type']>(
  child: ChildProcess,
  type: T,
): Promise<Extract<FromMember, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: FromMember): void => {
      if (message.type !== type) return;
      cleanup();
      resolve(message as Extract<FromMember, { type: T }>);
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`bench member exited (code ${code}) while the parent waited for "${type}"`));
    };
    const cleanup = (): void => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/**
 * Three member processes talking over loopback TCP, each with its own FileStorage. The
 * load runs inside the leader's process (clients of that member), and only its figures
 * cross back to this process. Children are killed if this process exits first.
 */
export class TcpCluster {
  private constructor(
    private readonly children: ReadonlyMap<number, ChildProcess>,
    private readonly leaderId: number,
    private readonly killAll: () => void,
  ) {}

  /**
   * Forks the members with data under `dataRoot`, wires their addresses, elects member 1.
   * `cpuProfileDir` makes each member write a V8 CPU profile there when it exits; `encrypt`
   * makes each member encrypt its storage at rest.
   */
  static async start(
    dataRoot: string,
    cpuProfileDir?: string,
    encrypt = false,
  ): Promise<TcpCluster> {
    const execArgv = ['--import', 'tsx'];
    if (cpuProfileDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`);
    const children = new Map<number, ChildProcess>();
    const killAll = (): void => {
      for (const child of children.values()) if (child.exitCode === null) child.kill('SIGKILL');
    };
    process.once('exit', killAll);
    try {
      for (const id of BENCH_MEMBERS) {
        children.set(
          id,
          fork(memberScript, [String(id), dataRoot, ...(encrypt ? ['--encrypt'] : [])], {
            execArgv,
            stdio: 'inherit',
          }),
        );
      }
      const addresses: Record<number, string> = {};
      for (const [id, child] of children) addresses[id] = (await next(child, 'listening')).address;
      for (const child of children.values())
        child.send({ type: 'peers', addresses } satisfies ToMember);
      await Promise.all([...children.values()].map((c) => next(c, 'started')));
      const first = children.get(BENCH_MEMBERS[0]!)!;
      first.send({ type: 'campaign' } satisfies ToMember);
      const { leader } = await next(first, 'leader');
      return new TcpCluster(children, leader, killAll);
    } catch (err) {
      killAll();
      throw err;
    }
  }

  /** Runs the proposers inside the leader's process and returns what they measured. */
  async run(options: LoadOptions): Promise<LoadResult> {
    const leader = this.children.get(this.leaderId)!;
    const reply = next(leader, 'result');
    leader.send({ type: 'run', options } satisfies ToMember);
    const result = await reply;
    return { ...result, latencies: Float64Array.from(result.latencies) };
  }

  /** Asks every member to stop cleanly, then kills any that has not exited within 5 s. */
  async stop(): Promise<void> {
    const exits = [...this.children.values()].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.send({ type: 'stop' } satisfies ToMember);
        }),
    );
    const deadline = setTimeout(this.killAll, 5000);
    await Promise.all(exits);
    clearTimeout(deadline);
    process.off('exit', this.killAll);
  }
}
