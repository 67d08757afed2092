// The X.509 library needs the Reflect metadata polyfill loaded before it.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiServer } from '../../../src/server/api-server.ts';
import type { HostFacts } from '../../../src/server/host-facts.ts';
import { registerSystemRoutes } from '../../../src/server/routes/system.ts';
import { Router } from '../../../src/server/router.ts';
import { runCli } from '../support/run-cli.ts';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** A self-signed P-256 certificate for 127.0.0.1, used by both ends. */
async function selfSigned(): Promise<{ cert: string; key: string }> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '02',
    name: 'CN=127.0.0.1',
    notBefore: new Date(Date.now() - 3_600_000),
    notAfter: new Date(Date.now() + 3_600_000),
    signingAlgorithm: alg,
    keys,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }])],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const body = pkcs8.toString('base64').replace(/(.{64})/g, '$1\n');
  return {
    cert: cert.toString('pem'),
    key: `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n`,
  };
}

const hostFacts: HostFacts = {
  hostname: 'h',
  kernelVersion: '6.1.0',
  operatingSystem: 'Test OS',
  osVersion: '',
  osType: 'linux',
  machine: 'x86_64',
  arch: 'amd64',
  cpus: 2,
  memoryBytes: 1,
  ipv4Forwarding: true,
  bridgeNfIptables: true,
  bridgeNfIp6tables: true,
  openFiles: 0,
};

test("shoal version talks to shoal's own API server over tcp:// with mutual TLS", async () => {
  const { cert, key } = await selfSigned();
  const dir = await mkdtemp(join(tmpdir(), 'shoal-cli-tls-'));
  await writeFile(join(dir, 'ca.pem'), cert);
  await writeFile(join(dir, 'cert.pem'), cert);
  await writeFile(join(dir, 'key.pem'), key);
  const router = new Router();
  registerSystemRoutes(router, {
    identity: { version: '9.9.9-test' },
    host: () => Promise.resolve(hostFacts),
  });
  const server = new ApiServer({
    router,
    identity: { version: '9.9.9-test' },
    tcp: { host: '127.0.0.1', port: 0, tls: { cert, key, ca: cert, verifyClients: true } },
  });
  await server.start();
  try {
    const port = server.addresses().tcp?.port ?? 0;
    const run = await runCli(['-H', `tcp://127.0.0.1:${port}`, '--tlsverify', 'version'], {
      env: { SHOAL_CERT_PATH: dir },
    });
    assert.equal(run.stderr, '');
    assert.equal(run.code, 0);
    assert.match(
      run.stdout,
      /^Server: shoal\n Engine:\n {2}Version: {10}9\.9\.9-test\n {2}API version: {6}1\.41 \(minimum version 1\.24\)\n/m,
    );
    const noCert = await runCli(['-H', `tcp://127.0.0.1:${port}`, '--tls', 'version'], {
      env: { SHOAL_CERT_PATH: join(dir, 'none') },
    });
    assert.equal(noCert.code, 1);
    assert.match(noCert.stderr, /^error during connect: /);
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
