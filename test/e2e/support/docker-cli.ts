import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

/** What one run of the docker CLI printed and how it exited. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The docker CLI these end-to-end tests drive: `SHOAL_E2E_DOCKER` if set, else the first
 * `docker` on PATH; undefined when there is none (then {@link runDocker} fails the test, it
 * never passes silently: CI installs Debian's docker.io).
 */
export async function findDocker(): Promise<string | undefined> {
  const candidates = process.env['SHOAL_E2E_DOCKER']
    ? [process.env['SHOAL_E2E_DOCKER']]
    : (process.env['PATH'] ?? '').split(delimiter).map((dir) => join(dir, 'docker'));
  for (const path of candidates) {
    try {
      await access(path, constants.X_OK);
      return path;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/**
 * Runs `docker -H unix://<socket> <args>` with a private HOME and DOCKER_CONFIG under `home`,
 * so the user's docker settings never leak in. Asynchronous on purpose: the shoal server
 * answering the CLI usually runs in the test's own process. Resolves with the exit code
 * (never rejects on a non-zero exit); fails the test when `docker` is undefined.
 */
export function runDocker(
  docker: string | undefined,
  socket: string,
  home: string,
  args: readonly string[],
): Promise<CliResult> {
  if (docker === undefined) {
    assert.fail(
      "the docker CLI is not on PATH. This end-to-end test needs it: install Debian's docker.io " +
        '(CI does), or set SHOAL_E2E_DOCKER=/path/to/docker.',
    );
  }
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: home,
    DOCKER_CONFIG: join(home, 'docker-config'),
  };
  return new Promise((resolve) => {
    execFile(
      docker,
      ['-H', `unix://${socket}`, ...args],
      { env, timeout: 20_000 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
