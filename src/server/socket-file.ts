import { connect } from 'node:net';
import { chmod, lstat, mkdir, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ShoalError } from '../base/errors.ts';
import { serverErrorCodes } from './errors.ts';

/** Identifies the socket file a server created, so it removes only its own on stop. */
export interface SocketFileId {
  readonly dev: number;
  readonly ino: number;
}

/**
 * Makes `path` ready to listen on: creates the parent directory, and removes a stale socket
 * left by a process that died. Refuses (ShoalError `API_SOCKET_UNAVAILABLE`) when a live
 * process answers on the socket, or when the path is something other than a socket, rather
 * than delete another daemon's socket or a user's file.
 */
export async function prepareSocketPath(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const stat = await lstat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (stat === undefined) return;
  if (!stat.isSocket()) {
    throw unavailable(
      `${path} exists and is not a socket; remove it or choose another socket path`,
    );
  }
  if (await socketAnswers(path)) {
    throw unavailable(
      `another process is serving on ${path}; stop it (is a shoal daemon already running?) or choose another socket path`,
    );
  }
  await unlink(path);
}

/** Restricts the socket to its owner and group (0660) and returns its identity. */
export async function secureSocketFile(path: string): Promise<SocketFileId> {
  await chmod(path, 0o660);
  const stat = await lstat(path);
  return { dev: stat.dev, ino: stat.ino };
}

/** Removes the socket file if it is still the one `id` names; never throws. */
export async function removeSocketFile(path: string, id: SocketFileId): Promise<void> {
  try {
    const stat = await lstat(path);
    if (stat.dev === id.dev && stat.ino === id.ino) await unlink(path);
  } catch {
    // Already gone, or replaced and not ours: nothing to clean up.
  }
}

function socketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect({ path });
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

function unavailable(message: string): ShoalError {
  return new ShoalError(serverErrorCodes.socketUnavailable, message, { status: 500 });
}
