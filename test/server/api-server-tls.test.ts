// The X.509 library needs the Reflect metadata polyfill loaded before it.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { request } from 'node:https';
import type { RequestOptions } from 'node:https';
import { ApiServer } from '../../src/server/api-server.ts';
import { textReply } from '../../src/server/reply.ts';
import { Router } from '../../src/server/router.ts';
import { testIdentity } from './support/test-server.ts';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** A self-signed P-256 certificate for 127.0.0.1, usable by both ends of a test connection. */
async function selfSigned(): Promise<{ cert: string; key: string }> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=127.0.0.1',
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(now + 3_600_000),
    signingAlgorithm: alg,
    keys: { privateKey: keys.privateKey, publicKey: keys.publicKey },
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }])],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const key = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END PRIVATE KEY-----\n`;
  return { cert: cert.toString('pem'), key };
}

function get(options: RequestOptions): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ ...options, agent: false }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

test('TCP with TLS serves HTTPS, and verifyClients demands a client certificate', async () => {
  const { cert, key } = await selfSigned();
  const server = new ApiServer({
    router: new Router().get('/_ping', () => textReply('OK')),
    identity: testIdentity,
    tcp: { host: '127.0.0.1', port: 0, tls: { cert, key, ca: cert, verifyClients: true } },
  });
  await server.start();
  try {
    const tcp = server.addresses().tcp;
    assert.ok(tcp?.tls);
    const base = { host: '127.0.0.1', port: tcp.port, path: '/_ping', ca: cert };
    assert.deepEqual(await get({ ...base, cert, key }), { status: 200, text: 'OK' });
    await assert.rejects(get(base), 'a client without a certificate is refused');
  } finally {
    await server.stop();
  }
});
