import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ShoalError } from '../../src/base/errors.ts';
import { lockDataDir } from '../../src/daemon/data-dir.ts';

test('a data dir is created private, and one held by a live daemon elsewhere is refused', async () => {
  const parent = await mkdtemp(join(tmpdir(), 'shoal-datadir-'));
  const root = join(parent, 'node');
  // A live process that is not us stands for the other daemon.
  const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
  try {
    const lock = await lockDataDir(root);
    assert.equal((await stat(root)).mode & 0o777, 0o700);
    assert.equal((await readFile(lock.layout.pidFile, 'utf8')).trim(), String(process.pid));
    await lock.release();
    await writeFile(lock.layout.pidFile, `${other.pid}\n`);
    await assert.rejects(
      lockDataDir(root),
      (err: unknown) =>
        err instanceof ShoalError &&
        err.code === 'DATA_DIR_IN_USE' &&
        err.message.includes(`pid ${other.pid}`),
    );
  } finally {
    other.kill('SIGKILL');
    await rm(parent, { recursive: true, force: true });
  }
});

test('a pid file left by a dead process is taken over, and release removes only our own', async () => {
  const root = await mkdtemp(join(tmpdir(), 'shoal-datadir-'));
  try {
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => dead.once('exit', resolve));
    await writeFile(join(root, 'shoal.pid'), `${dead.pid}\n`);
    const lock = await lockDataDir(root);
    assert.equal((await readFile(lock.layout.pidFile, 'utf8')).trim(), String(process.pid));
    await writeFile(lock.layout.pidFile, '1\n');
    await lock.release();
    assert.equal((await readFile(lock.layout.pidFile, 'utf8')).trim(), '1', 'not ours: left alone');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('two daemons of one process cannot hold the same data dir', async () => {
  const root = await mkdtemp(join(tmpdir(), 'shoal-datadir-'));
  try {
    const lock = await lockDataDir(root);
    await assert.rejects(
      lockDataDir(join(root, '.')),
      /in use by another shoal daemon in this process/,
    );
    await lock.release();
    const again = await lockDataDir(root);
    await again.release();
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
