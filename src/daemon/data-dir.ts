import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ShoalError } from '../base/errors.ts';

/** Where a node keeps each kind of state under its data dir. */
export interface DataDirLayout {
  readonly root: string;
  /** The node's identity and swarm membership (`state.json`). */
  readonly stateFile: string;
  /** The daemon's pid while it runs; also the lock that keeps a second daemon out. */
  readonly pidFile: string;
  /** Node key, certificate and the cluster's root CA. */
  readonly certificates: string;
  /** Raft WAL and snapshots (managers only). */
  readonly raft: string;
}

/** The layout of a data dir rooted at `root`. */
export function dataDirLayout(root: string): DataDirLayout {
  return {
    root,
    stateFile: join(root, 'state.json'),
    pidFile: join(root, 'shoal.pid'),
    certificates: join(root, 'certificates'),
    raft: join(root, 'raft'),
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readPid(pidFile: string): Promise<number | undefined> {
  const text = await readFile(pidFile, 'utf8').catch(() => '');
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * Data dirs held in this process. The pid file cannot tell two daemons of one process apart
 * (tests and the demo run several), and a pid file naming our own pid is otherwise stale:
 * in a container the daemon is pid 1 on every start.
 */
const heldHere = new Set<string>();

/** Holds a data dir for one daemon; `release` removes the pid file if it is still ours. */
export interface DataDirLock {
  readonly layout: DataDirLayout;
  release(): Promise<void>;
}

/**
 * Creates the data dir (mode 0700) and takes it for this process by creating the pid file
 * exclusively. A pid file left by a process that no longer runs is taken over; one held by a
 * live process fails with `DATA_DIR_IN_USE`, since two daemons on one Raft log would corrupt it.
 */
export async function lockDataDir(root: string, pid = process.pid): Promise<DataDirLock> {
  const layout = dataDirLayout(resolve(root));
  if (heldHere.has(layout.root)) {
    throw new ShoalError(
      'DATA_DIR_IN_USE',
      `data dir ${root} is in use by another shoal daemon in this process; choose another --data-dir`,
      { status: 409 },
    );
  }
  await mkdir(root, { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(layout.pidFile, 'wx', 0o644);
      await handle.writeFile(`${pid}\n`);
      await handle.sync();
      await handle.close();
      heldHere.add(layout.root);
      return {
        layout,
        release: async () => {
          if (!heldHere.delete(layout.root)) return;
          if ((await readPid(layout.pidFile)) === pid) await rm(layout.pidFile, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = await readPid(layout.pidFile);
      if (holder !== undefined && holder !== pid && isAlive(holder)) {
        throw new ShoalError(
          'DATA_DIR_IN_USE',
          `data dir ${root} is in use by another shoal daemon (pid ${holder}); stop it or choose another --data-dir`,
          { status: 409 },
        );
      }
      await rm(layout.pidFile, { force: true });
    }
  }
  throw new ShoalError(
    'DATA_DIR_IN_USE',
    `could not take the pid file ${layout.pidFile}; another daemon is starting`,
    {
      status: 409,
    },
  );
}
