import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFixtureDaemon } from '../../support/fixture-daemon.ts';
import { NODES, SWARM } from '../../support/fixtures.ts';
import { runCli } from '../../support/run-cli.ts';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIBazCCARCgAwIBAgIUfake\n-----END CERTIFICATE-----\n';

test('swarm ca prints the root certificate; CA flags need --rotate', async () => {
  const daemon = await startFixtureDaemon();
  try {
    const run = await runCli(['swarm', 'ca'], { host: daemon.host });
    assert.equal(run.stdout, PEM);
    assert.deepEqual(daemon.calls(), ['GET /v1.41/swarm']);
    const flag = await runCli(['swarm', 'ca', '--cert-expiry', '1h'], { host: daemon.host });
    assert.equal(flag.code, 1);
    assert.equal(
      flag.stderr,
      '`--cert-expiry` flag requires the `--rotate` flag to update the CA\n',
    );
  } finally {
    await daemon.close();
  }
});

test('swarm ca --rotate -d asks for a new root by bumping ForceRotate, and returns', async () => {
  const daemon = await startFixtureDaemon();
  try {
    const run = await runCli(['swarm', 'ca', '--rotate', '-d'], { host: daemon.host });
    assert.equal(run.stdout, '');
    const update = daemon.apiRequests()[1];
    assert.equal(
      update?.rawQuery,
      'rotateManagerToken=false&rotateManagerUnlockKey=false&rotateWorkerToken=false&version=42',
    );
    assert.deepEqual((update?.body as { CAConfig: unknown }).CAConfig, {
      NodeCertExpiry: 7_776_000_000_000_000,
      SigningCACert: '',
      SigningCAKey: '',
      ForceRotate: 1,
    });
  } finally {
    await daemon.close();
  }
});

test('swarm ca --rotate waits until every node has the new certificate and root, then prints it', async () => {
  let swarmReads = 0;
  let polls = 0;
  const rotated = {
    ...SWARM.TLSInfo,
    TrustRoot: PEM.replace('fake', 'new1'),
    CertIssuerPublicKey: 'NEWKEY',
  };
  const daemon = await startFixtureDaemon({
    'GET /swarm': () => ({
      json: { ...SWARM, TLSInfo: swarmReads++ === 0 ? SWARM.TLSInfo : rotated },
    }),
    'GET /nodes': () => {
      polls++;
      // First the old certificates, then new certificates under the old root, then both new.
      const tls =
        polls === 1
          ? SWARM.TLSInfo
          : polls === 2
            ? { ...rotated, TrustRoot: SWARM.TLSInfo.TrustRoot }
            : rotated;
      return {
        json: NODES.slice(0, 2).map((n) => ({
          ...n,
          Description: { ...n.Description, TLSInfo: tls },
        })),
      };
    },
  });
  try {
    const run = await runCli(['swarm', 'ca', '--rotate'], { host: daemon.host });
    assert.equal(run.code, 0);
    const progress = (certs: number, roots: number): string =>
      `  rotated TLS certificates ${certs}/2 nodes\n  rotated CA certificates ${roots}/2 nodes\n`;
    const digest =
      /^desired root digest: sha256:[0-9a-f]{64}\n/.exec(run.stdout)?.[0] ?? 'missing digest';
    assert.equal(
      run.stdout,
      digest +
        progress(0, 0) +
        digest +
        progress(2, 0) +
        digest +
        progress(2, 2) +
        rotated.TrustRoot,
    );
    assert.equal(polls, 3);
    polls = 0;
    swarmReads = 0;
    const quiet = await runCli(['swarm', 'ca', '--rotate', '-q'], { host: daemon.host });
    assert.equal(quiet.stdout, rotated.TrustRoot);
  } finally {
    await daemon.close();
  }
});

test('--ca-cert needs --ca-key or --external-ca', async () => {
  const daemon = await startFixtureDaemon();
  const dir = await mkdtemp(join(tmpdir(), 'shoal-ca-'));
  try {
    await writeFile(join(dir, 'ca.pem'), PEM);
    const run = await runCli(['swarm', 'ca', '--rotate', '--ca-cert', join(dir, 'ca.pem')], {
      host: daemon.host,
    });
    assert.equal(
      run.stderr,
      'the --ca-cert flag requires that a --ca-key flag and/or --external-ca flag be provided as well\n',
    );
    const notPem = await runCli(['swarm', 'ca', '--rotate', '--ca-key', join(dir, 'missing.pem')], {
      host: daemon.host,
    });
    assert.equal(notPem.code, 125);
    assert.match(notPem.stderr, /^invalid argument ".*missing\.pem" for "--ca-key" flag: ENOENT/);
  } finally {
    await daemon.close();
    await rm(dir, { recursive: true, force: true });
  }
});
