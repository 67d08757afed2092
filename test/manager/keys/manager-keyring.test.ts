import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../src/base/clock.ts';
import { silentLogger } from '../../../src/base/logger.ts';
import { SeededRng } from '../../../src/base/rng.ts';
import { rngRandomBytes } from '../../../src/manager/ca/random-bytes.ts';
import { formatUnlockKey } from '../../../src/manager/ca/unlock-key.ts';
import { MANAGER_KEYS_FILE } from '../../../src/manager/keys/manager-keys-file.ts';
import { ManagerKeyring } from '../../../src/manager/keys/manager-keyring.ts';
import { FileStorage } from '../../../src/raft/storage/file-storage.ts';
import { MemoryStore } from '../../../src/store/memory-store.ts';
import { clusterTables, clusters } from '../../../src/store/tables.ts';

const randomBytes = rngRandomBytes(new SeededRng(5));
const deps = { randomBytes, logger: silentLogger };
const ROOT_KEY = '-----BEGIN PRIVATE KEY-----\nroot-one\n-----END PRIVATE KEY-----\n';

const temps: string[] = [];
after(async () => {
  for (const dir of temps) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'shoal-keys-'));
  temps.push(dir);
  return dir;
}

const newKey = (): string => formatUnlockKey(randomBytes(32));

async function storeWithCluster(unlockKey?: string, caKey?: string): Promise<MemoryStore> {
  const store = new MemoryStore({ tables: clusterTables }, { clock: new ManualClock() });
  await store.update((tx) => {
    tx.create(clusters, {
      id: 'cluster-1',
      Spec: { Name: 'default' },
      JoinTokens: { Worker: 'w', Manager: 'm' },
      RootCA: { CACert: 'cert', ...(caKey === undefined ? {} : { CAKey: caKey }) },
      ...(unlockKey === undefined ? {} : { UnlockKey: unlockKey }),
    });
  });
  return store;
}

async function setUnlockKey(store: MemoryStore, unlockKey: string | undefined): Promise<void> {
  await store.update((tx) => {
    const { UnlockKey: _old, ...cluster } = tx.all(clusters)[0]!;
    tx.update(clusters, {
      ...cluster,
      ...(unlockKey === undefined ? {} : { UnlockKey: unlockKey }),
    });
  });
}

test('create then open without autolock: same DEK, root key kept, nothing in clear', async () => {
  const dir = await tempDir();
  const created = await ManagerKeyring.create(dir, { rootCaKeyPem: ROOT_KEY }, deps);
  assert.equal(await ManagerKeyring.probe(dir), 'unlocked');
  const opened = await ManagerKeyring.open(dir, undefined, deps);
  assert.equal(opened.cipher.keyId, created.cipher.keyId);
  assert.equal(opened.rootCaKeyPem, ROOT_KEY);
  assert.equal(opened.autolocked, false);
  const text = await readFile(join(dir, MANAGER_KEYS_FILE), 'utf8');
  assert.equal(text.includes('PRIVATE KEY'), false);
  // The DEK of one keyring opens what the other sealed.
  const sealed = created.cipher.seal(Buffer.from('x'), Buffer.from('ad'));
  assert.deepEqual(Buffer.from(opened.cipher.open(sealed, Buffer.from('ad'))), Buffer.from('x'));
});

test('autolock: probe says locked; open needs the unlock key', async () => {
  const dir = await tempDir();
  const key = newKey();
  const created = await ManagerKeyring.create(dir, { unlockKey: key }, deps);
  assert.equal(created.autolocked, true);
  assert.equal(await ManagerKeyring.probe(dir), 'locked');
  await assert.rejects(ManagerKeyring.open(dir, undefined, deps), { code: 'SWARM_LOCKED' });
  await assert.rejects(ManagerKeyring.open(dir, newKey(), deps), { code: 'UNLOCK_KEY_INVALID' });
  await assert.rejects(ManagerKeyring.open(dir, 'SWMKEY-1-short', deps), {
    code: 'UNLOCK_KEY_INVALID',
  });
  const opened = await ManagerKeyring.open(dir, `  ${key}\n`, deps);
  assert.equal(opened.cipher.keyId, created.cipher.keyId);
  assert.equal(
    (await readFile(join(dir, MANAGER_KEYS_FILE), 'utf8')).includes(key.slice(9)),
    false,
  );
});

test('a missing file is absent/ENOENT; a damaged one SEALED_DATA_CORRUPT', async () => {
  const dir = await tempDir();
  assert.equal(await ManagerKeyring.probe(dir), 'absent');
  await assert.rejects(ManagerKeyring.open(dir, undefined, deps), { code: 'ENOENT' });
  await writeFile(join(dir, MANAGER_KEYS_FILE), '{"format":1,"autolock":false}');
  await assert.rejects(ManagerKeyring.probe(dir), { code: 'SEALED_DATA_CORRUPT' });
  await writeFile(join(dir, MANAGER_KEYS_FILE), 'not json');
  await assert.rejects(ManagerKeyring.open(dir, undefined, deps), { code: 'SEALED_DATA_CORRUPT' });
});

test('protect re-seals under a new unlock key, off again, and keeps the DEK', async () => {
  const dir = await tempDir();
  const keyring = await ManagerKeyring.create(dir, { rootCaKeyPem: ROOT_KEY }, deps);
  const first = newKey();
  await keyring.protect({ unlockKey: first });
  assert.equal(await ManagerKeyring.probe(dir), 'locked');
  const second = newKey();
  await keyring.protect({ unlockKey: second, rootCaKeyPem: 'new root key' });
  await assert.rejects(ManagerKeyring.open(dir, first, deps), { code: 'UNLOCK_KEY_INVALID' });
  const opened = await ManagerKeyring.open(dir, second, deps);
  assert.equal(opened.cipher.keyId, keyring.cipher.keyId);
  assert.equal(opened.rootCaKeyPem, 'new root key');
  await keyring.protect({ unlockKey: '' });
  assert.equal(await ManagerKeyring.probe(dir), 'unlocked');
  assert.equal((await ManagerKeyring.open(dir, undefined, deps)).rootCaKeyPem, 'new root key');
  await assert.rejects(keyring.protect({ unlockKey: 'garbage' }), { code: 'UNLOCK_KEY_INVALID' });
  assert.equal(await ManagerKeyring.probe(dir), 'unlocked', 'a failed re-seal leaves the file');
});

test('follow: the file tracks the cluster record, and stop catches a change made just before', async () => {
  const dir = await tempDir();
  const keyring = await ManagerKeyring.create(dir, {}, deps);
  const key = newKey();
  const store = await storeWithCluster(key, ROOT_KEY);
  keyring.follow(store);
  const rotated = newKey();
  await setUnlockKey(store, rotated);
  // No waiting for the watch: stop applies the latest record before it resolves.
  await keyring.stop();
  const opened = await ManagerKeyring.open(dir, rotated, deps);
  assert.equal(opened.rootCaKeyPem, ROOT_KEY);
  assert.equal(opened.cipher.keyId, keyring.cipher.keyId);
});

test('follow: autolock turned off in the record stores the KEK again', async () => {
  const dir = await tempDir();
  const key = newKey();
  const keyring = await ManagerKeyring.create(dir, { unlockKey: key }, deps);
  const store = await storeWithCluster(key);
  keyring.follow(store);
  await setUnlockKey(store, undefined);
  await keyring.stop();
  assert.equal(await ManagerKeyring.probe(dir), 'unlocked');
});

test('the cipher encrypts a FileStorage, which then refuses another manager key', async () => {
  const dir = await tempDir();
  const keyring = await ManagerKeyring.create(join(dir, 'certs'), {}, deps);
  const storage = new FileStorage(join(dir, 'raft'), { cipher: keyring.cipher });
  await storage.open();
  await storage.save(
    { entries: [{ index: 1, term: 1, type: 'normal', data: Buffer.from('secret-marker') }] },
    true,
  );
  await storage.close();
  const other = await ManagerKeyring.create(join(dir, 'other'), {}, deps);
  await assert.rejects(new FileStorage(join(dir, 'raft'), { cipher: other.cipher }).open(), {
    code: 'RAFT_STORAGE_KEY_MISMATCH',
  });
  const reopened = new FileStorage(join(dir, 'raft'), { cipher: keyring.cipher });
  const state = await reopened.open();
  assert.equal(Buffer.from(state.entries[0]!.data).toString(), 'secret-marker');
  await reopened.close();
});

test('a record no newer than the one the file was sealed for is ignored, across a reopen', async () => {
  const dir = await tempDir();
  const keyring = await ManagerKeyring.create(dir, {}, deps);
  const old = newKey();
  const current = newKey();
  await keyring.protect({ unlockKey: old, recordVersion: 5 });
  await keyring.protect({ unlockKey: current, recordVersion: 9 });
  // A restart replays the log: the record at version 5 comes by again.
  const reopened = await ManagerKeyring.open(dir, current, deps);
  await reopened.protect({ unlockKey: old, recordVersion: 5 });
  await reopened.protect({ unlockKey: '', recordVersion: 9 });
  await assert.rejects(ManagerKeyring.open(dir, old, deps), { code: 'UNLOCK_KEY_INVALID' });
  await ManagerKeyring.open(dir, current, deps);
  // A newer record still applies.
  await reopened.protect({ unlockKey: '', recordVersion: 10 });
  assert.equal(await ManagerKeyring.probe(dir), 'unlocked');
});
