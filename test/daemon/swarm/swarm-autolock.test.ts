import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { silentLogger } from '../../../src/base/logger.ts';
import { systemRandomBytes } from '../../../src/manager/ca/random-bytes.ts';
import { formatUnlockKey } from '../../../src/manager/ca/unlock-key.ts';
import { MANAGER_KEYS_FILE } from '../../../src/manager/keys/manager-keys-file.ts';
import { ManagerKeyring } from '../../../src/manager/keys/manager-keyring.ts';
import { FileStorage } from '../../../src/raft/storage/file-storage.ts';
import { waitFor } from '../../support/wait-for.ts';
import type { ApiReply } from '../../support/api-client.ts';
import { DaemonDir } from './daemon-harness.ts';

const dirs: DaemonDir[] = [];
after(async () => {
  for (const dir of dirs) await dir.remove();
});

const LOCKED_TEXT =
  'Swarm is encrypted and needs to be unlocked before it can be used. Please use "docker swarm unlock" to unlock it.';

interface SwarmJson {
  ID: string;
  Version: { Index: number };
  Spec: { EncryptionConfig?: { AutoLockManagers?: boolean } } & Record<string, unknown>;
}

interface InfoJson {
  Swarm: { NodeID: string; LocalNodeState: string; ControlAvailable: boolean; Error: string };
}

interface NodeJson {
  ID: string;
  Version: { Index: number };
  Spec: { Labels?: Record<string, string>; Role: string; Availability: string };
}

async function newDir(): Promise<DaemonDir> {
  const dir = await DaemonDir.create();
  dirs.push(dir);
  return dir;
}

function messageOf(reply: ApiReply): string {
  const body = reply.body as { message?: unknown } | null | undefined;
  return typeof body?.message === 'string' ? body.message : '';
}

async function unlockKeyOf(dir: DaemonDir): Promise<string> {
  const reply = await dir.call('GET', '/swarm/unlockkey');
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return (reply.body as { UnlockKey: string }).UnlockKey;
}

/** A swarm update that retries while the restarted manager has no leader yet. */
async function updateSwarm(
  dir: DaemonDir,
  query: string,
  edit: (spec: SwarmJson['Spec']) => SwarmJson['Spec'],
): Promise<void> {
  await waitFor(`swarm update ${query}`, async () => {
    const swarm = (await dir.call('GET', '/swarm')).body as SwarmJson;
    const reply = await dir.call(
      'POST',
      `/swarm/update?version=${swarm.Version.Index}${query}`,
      edit(swarm.Spec),
    );
    if (reply.status !== 200 && reply.status !== 503) assert.fail(JSON.stringify(reply.body));
    return reply.status === 200 || undefined;
  });
}

function withAutolock(on: boolean) {
  return (spec: SwarmJson['Spec']): SwarmJson['Spec'] => ({
    ...spec,
    EncryptionConfig: { AutoLockManagers: on },
  });
}

/**
 * Sets the node label `marker`, retrying while there is no leader (503) or the agent's
 * heartbeat wrote the node in between (500 "update out of sequence").
 */
async function labelNode(dir: DaemonDir, nodeId: string, value: string): Promise<void> {
  await waitFor(`node label marker=${value}`, async () => {
    const node = (await dir.call('GET', `/nodes/${nodeId}`)).body as NodeJson;
    const reply = await dir.call('POST', `/nodes/${nodeId}/update?version=${node.Version.Index}`, {
      ...node.Spec,
      Labels: { marker: value },
    });
    if (reply.status === 503 || /out of sequence/.test(messageOf(reply))) return undefined;
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    return true;
  });
}

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

async function assertLocked(dir: DaemonDir): Promise<void> {
  const info = (await dir.call('GET', '/info')).body as InfoJson;
  assert.equal(info.Swarm.LocalNodeState, 'locked');
  assert.equal(info.Swarm.ControlAvailable, false);
  assert.equal(info.Swarm.Error, LOCKED_TEXT);
  assert.equal((await dir.call('GET', '/_ping')).headers.swarm, 'locked');
  for (const path of ['/swarm', '/nodes', '/swarm/unlockkey']) {
    const reply = await dir.call('GET', path);
    assert.equal(reply.status, 503, path);
    assert.equal(messageOf(reply), LOCKED_TEXT, path);
  }
}

test('autolock: a restarted manager is locked until the right key unlocks it, state intact', async () => {
  const dir = await newDir();
  let daemon = await dir.start();
  try {
    const init = await dir.call('POST', '/swarm/init', {
      AdvertiseAddr: '127.0.0.1',
      AutoLockManagers: true,
    });
    assert.equal(init.status, 200, JSON.stringify(init.body));
    const nodeId = init.body as string;
    const key = await unlockKeyOf(dir);
    assert.match(key, /^SWMKEY-1-[A-Za-z0-9+/]{43}$/);
    const swarm = (await dir.call('GET', '/swarm')).body as SwarmJson;
    assert.equal(swarm.Spec.EncryptionConfig?.AutoLockManagers, true);
    const marker = 'plaintext-marker-7c1f3e';
    await labelNode(dir, nodeId, marker);

    await daemon.stop();
    daemon = await dir.start();
    await assertLocked(dir);

    const wrong = await dir.call('POST', '/swarm/unlock', {
      UnlockKey: formatUnlockKey(new Uint8Array(32).fill(7)),
    });
    assert.equal(wrong.status, 401);
    assert.equal(messageOf(wrong), 'swarm could not be unlocked: invalid key provided');
    const garbled = await dir.call('POST', '/swarm/unlock', { UnlockKey: 'not-a-key' });
    assert.equal(garbled.status, 401);
    await assertLocked(dir);

    const unlocked = await dir.call('POST', '/swarm/unlock', { UnlockKey: key });
    assert.equal(unlocked.status, 200, JSON.stringify(unlocked.body));
    const info = (await dir.call('GET', '/info')).body as InfoJson;
    assert.equal(info.Swarm.LocalNodeState, 'active');
    assert.equal(info.Swarm.NodeID, nodeId);
    assert.equal((await dir.call('GET', '/_ping')).headers.swarm, 'active/manager');
    const node = (await dir.call('GET', `/nodes/${nodeId}`)).body as NodeJson;
    assert.equal(node.Spec.Labels?.['marker'], marker);
    assert.equal(((await dir.call('GET', '/swarm')).body as SwarmJson).ID, swarm.ID);
    assert.equal(await unlockKeyOf(dir), key);

    const again = await dir.call('POST', '/swarm/unlock', { UnlockKey: key });
    assert.equal(again.status, 409);
    assert.equal(messageOf(again), 'swarm is not locked');
    // Writes work again once the unlocked manager leads.
    await labelNode(dir, nodeId, 'after-unlock');
  } finally {
    await daemon.stop();
  }
});

test('at rest: Raft files hold no plaintext, and no root CA key is stored as a PEM', async () => {
  const dir = await newDir();
  const daemon = await dir.start();
  const marker = 'marker-value-9d02aa41';
  let key: string;
  try {
    const init = await dir.call('POST', '/swarm/init', { AdvertiseAddr: '127.0.0.1' });
    assert.equal(init.status, 200, JSON.stringify(init.body));
    await labelNode(dir, init.body as string, marker);
    await updateSwarm(dir, '', withAutolock(true));
    key = await unlockKeyOf(dir);
  } finally {
    await daemon.stop();
  }
  const raftFiles = await filesUnder(join(dir.dataDir, 'raft'));
  assert.ok(
    raftFiles.some((f) => f.endsWith('.wal')),
    raftFiles.join(', '),
  );
  for (const file of raftFiles) {
    const bytes = await readFile(file);
    assert.equal(bytes.includes(marker), false, `${file} holds the marker in clear`);
    assert.equal(bytes.includes('PRIVATE KEY'), false, `${file} holds a PEM key in clear`);
  }
  for (const file of await filesUnder(join(dir.dataDir, 'certificates'))) {
    const text = await readFile(file, 'utf8');
    if (file.endsWith('swarm-node.key')) continue;
    assert.equal(text.includes('PRIVATE KEY'), false, `${file} holds a PEM private key`);
    assert.equal(
      text.includes(key.slice('SWMKEY-1-'.length)),
      false,
      `${file} holds the unlock key`,
    );
  }
});

test('autolock: a rotated unlock key is the one a restart needs', async () => {
  const dir = await newDir();
  let daemon = await dir.start();
  try {
    const init = await dir.call('POST', '/swarm/init', {
      AdvertiseAddr: '127.0.0.1',
      Spec: { EncryptionConfig: { AutoLockManagers: true } },
    });
    assert.equal(init.status, 200, JSON.stringify(init.body));
    const first = await unlockKeyOf(dir);
    await updateSwarm(dir, '&rotateManagerUnlockKey=true', (spec) => spec);
    const second = await unlockKeyOf(dir);
    assert.notEqual(second, first);

    await daemon.stop();
    daemon = await dir.start();
    await assertLocked(dir);
    assert.equal((await dir.call('POST', '/swarm/unlock', { UnlockKey: first })).status, 401);
    const unlocked = await dir.call('POST', '/swarm/unlock', { UnlockKey: second });
    assert.equal(unlocked.status, 200, JSON.stringify(unlocked.body));
    assert.equal(
      ((await dir.call('GET', '/info')).body as InfoJson).Swarm.LocalNodeState,
      'active',
    );
  } finally {
    await daemon.stop();
  }
});

test('autolock turned off: a restarted manager comes up unlocked; turned on: locked', async () => {
  const dir = await newDir();
  let daemon = await dir.start();
  try {
    const init = await dir.call('POST', '/swarm/init', {
      AdvertiseAddr: '127.0.0.1',
      AutoLockManagers: true,
    });
    assert.equal(init.status, 200, JSON.stringify(init.body));
    await updateSwarm(dir, '', withAutolock(false));
    assert.equal(await unlockKeyOf(dir), '');

    await daemon.stop();
    daemon = await dir.start();
    assert.equal(
      ((await dir.call('GET', '/info')).body as InfoJson).Swarm.LocalNodeState,
      'active',
    );
    const notLocked = await dir.call('POST', '/swarm/unlock', { UnlockKey: 'SWMKEY-1-x' });
    assert.equal(notLocked.status, 409);

    await updateSwarm(dir, '', withAutolock(true));
    const key = await unlockKeyOf(dir);
    await daemon.stop();
    daemon = await dir.start();
    await assertLocked(dir);
    assert.equal((await dir.call('POST', '/swarm/unlock', { UnlockKey: key })).status, 200);
  } finally {
    await daemon.stop();
  }
});

/** Resolves once the manager keys under `dataDir` open with `key` (and hold the root CA key). */
async function keysOpenWith(dataDir: string, key: string): Promise<void> {
  const deps = { randomBytes: systemRandomBytes, logger: silentLogger };
  await waitFor('the joined manager to re-seal its keys', async () => {
    const keyring = await ManagerKeyring.open(join(dataDir, 'certificates'), key, deps);
    return keyring.autolocked && keyring.rootCaKeyPem !== undefined;
  });
}

test('autolock: a joined manager seals its keys under the unlock key, and follows a rotation', async () => {
  const a = await newDir();
  const b = await newDir();
  const daemonA = await a.start('node-a');
  let daemonB = await b.start('node-b');
  try {
    const init = await a.call('POST', '/swarm/init', {
      AdvertiseAddr: '127.0.0.1',
      AutoLockManagers: true,
    });
    assert.equal(init.status, 200, JSON.stringify(init.body));
    const token = ((await a.call('GET', '/swarm')).body as { JoinTokens: { Manager: string } })
      .JoinTokens.Manager;
    const join = await b.call('POST', '/swarm/join', {
      RemoteAddrs: [daemonA.state().swarm?.advertiseAddr ?? ''],
      JoinToken: token,
    });
    assert.equal(join.status, 200, JSON.stringify(join.body));
    await keysOpenWith(b.dataDir, await unlockKeyOf(a));

    await updateSwarm(a, '&rotateManagerUnlockKey=true', (spec) => spec);
    const rotated = await unlockKeyOf(a);
    await keysOpenWith(b.dataDir, rotated);

    await daemonB.stop();
    daemonB = await b.start('node-b');
    await assertLocked(b);
    assert.equal((await b.call('POST', '/swarm/unlock', { UnlockKey: rotated })).status, 200);
    await waitFor('the unlocked manager to read the cluster', async () => {
      const info = (await b.call('GET', '/info')).body as InfoJson;
      return info.Swarm.ControlAvailable && info.Swarm.LocalNodeState === 'active';
    });
  } finally {
    await daemonB.stop();
    await daemonA.stop();
  }
});

test('a manager without its keys file refuses to start, naming why', async () => {
  const dir = await newDir();
  const daemon = await dir.start();
  try {
    const init = await dir.call('POST', '/swarm/init', { AdvertiseAddr: '127.0.0.1' });
    assert.equal(init.status, 200, JSON.stringify(init.body));
  } finally {
    await daemon.stop();
  }
  const certificates = join(dir.dataDir, 'certificates');
  await rm(join(certificates, MANAGER_KEYS_FILE));
  await assert.rejects(dir.start(), {
    code: 'NODE_STATE_CORRUPT',
    message: /swarm-manager-keys\.json is missing.*cannot be decrypted without it/,
  });

  // Plaintext Raft data, as a build before encryption at rest wrote it.
  const raft = join(dir.dataDir, 'raft');
  for (const name of ['wal', 'snap', 'encryption.json']) {
    await rm(join(raft, name), { recursive: true, force: true });
  }
  const plain = new FileStorage(raft);
  await plain.open();
  await plain.save(
    { entries: [{ index: 1, term: 1, type: 'normal', data: new Uint8Array() }] },
    true,
  );
  await plain.close();
  await assert.rejects(dir.start(), {
    code: 'DAEMON_SWARM_UNSUPPORTED',
    message: /written by an older shoal build without encryption at rest/,
  });
});
