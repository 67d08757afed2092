import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The local image the docker-executor tests run: busybox, imported from the host's copy. */
export const TEST_IMAGE = 'shoal-test/busybox:latest';

/** Applets linked in the test image (busybox dispatches on its argv[0]). */
const APPLETS = [
  'sh',
  'sleep',
  'nc',
  'httpd',
  'wget',
  'echo',
  'cat',
  'true',
  'false',
  'env',
  'ls',
  'id',
  'printf',
  'test',
  'touch',
  'kill',
  'ps',
  'grep',
  'head',
  'tail',
  'pwd',
  'hostname',
  'date',
  'mkdir',
  'rm',
];

/** Where the Docker engine listens: `DOCKER_HOST=unix://...` or the default socket. */
export function dockerSocketPath(): string {
  const host = process.env.DOCKER_HOST;
  return host?.startsWith('unix://') === true
    ? host.slice('unix://'.length)
    : '/var/run/docker.sock';
}

function call(
  socketPath: string,
  method: string,
  path: string,
  body?: Buffer,
  contentType = 'application/json',
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath,
        method,
        path: `/v1.41${path}`,
        headers:
          body === undefined ? {} : { 'Content-Type': contentType, 'Content-Length': body.length },
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.end(body);
  });
}

/**
 * The socket of a running Docker engine, or an error that says how to get one. The docker
 * executor tests call this in `before()` and so FAIL (never skip) without an engine: `.ci/run`
 * installs docker.io and starts dockerd, so CI always has one; on a developer machine start
 * dockerd (`sudo dockerd >/tmp/dockerd.log 2>&1 &`) or run only other tests.
 */
export async function requireDockerEngine(): Promise<string> {
  const socketPath = dockerSocketPath();
  const answer = await call(socketPath, 'GET', '/_ping').catch((err: unknown) => ({
    status: 0,
    text: String(err),
  }));
  if (answer.status !== 200) {
    throw new Error(
      `no Docker engine answers at ${socketPath} (${answer.text.trim()}): the docker executor tests ` +
        'need one. Run .ci/run (it installs docker.io and starts dockerd), or start dockerd yourself.',
    );
  }
  return socketPath;
}

function findBusybox(): string {
  for (const path of ['/bin/busybox', '/usr/bin/busybox']) if (existsSync(path)) return path;
  throw new Error('no /bin/busybox on this host: install busybox-static (.ci/run does)');
}

/** A root filesystem tarball: static busybox, its applet links, /tmp and a passwd file. */
function buildRootfsTar(): Buffer {
  const root = mkdtempSync(join(tmpdir(), 'shoal-busybox-'));
  try {
    for (const dir of ['bin', 'etc', 'tmp', 'root']) mkdirSync(join(root, dir));
    chmodSync(join(root, 'tmp'), 0o1777);
    copyFileSync(findBusybox(), join(root, 'bin', 'busybox'));
    chmodSync(join(root, 'bin', 'busybox'), 0o755);
    for (const applet of APPLETS) symlinkSync('busybox', join(root, 'bin', applet));
    writeFileSync(
      join(root, 'etc', 'passwd'),
      'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/tmp:/bin/sh\n',
    );
    writeFileSync(join(root, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\n');
    const tarball = join(root, '..', `${root.split('/').pop() ?? 'rootfs'}.tar`);
    execFileSync('tar', ['-C', root, '-cf', tarball, '.']);
    const data = readFileSync(tarball);
    rmSync(tarball, { force: true });
    return data;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * Makes sure {@link TEST_IMAGE} exists in the engine: when it is missing, imports a tarball
 * of the host's static busybox (what `docker import` does, through the API), since no
 * registry is reachable from CI. Safe to call from several test files at once.
 */
export async function ensureTestImage(socketPath: string): Promise<string> {
  const present = await call(socketPath, 'GET', `/images/${TEST_IMAGE}/json`);
  if (present.status === 200) return TEST_IMAGE;
  const [repo = '', tag = 'latest'] = TEST_IMAGE.split(':');
  const query = new URLSearchParams({ fromSrc: '-', repo, tag }).toString();
  const imported = await call(
    socketPath,
    'POST',
    `/images/create?${query}`,
    buildRootfsTar(),
    'application/x-tar',
  );
  if (imported.status !== 200 || imported.text.includes('"error"')) {
    throw new Error(`importing ${TEST_IMAGE} failed: ${imported.status} ${imported.text}`);
  }
  return TEST_IMAGE;
}

/** Force-removes every container labelled `com.docker.swarm.node.id=<nodeId>` (test cleanup). */
export async function removeNodeContainers(socketPath: string, nodeId: string): Promise<void> {
  const filters = encodeURIComponent(
    JSON.stringify({ label: [`com.docker.swarm.node.id=${nodeId}`] }),
  );
  const listed = await call(socketPath, 'GET', `/containers/json?all=1&filters=${filters}`);
  const containers = JSON.parse(listed.text) as { Id: string }[];
  for (const { Id } of containers)
    await call(socketPath, 'DELETE', `/containers/${Id}?force=1&v=1`);
}
