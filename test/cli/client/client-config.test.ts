import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineClientOptions } from '../../../src/cli/client/client-config.ts';

test('plain unix and tcp hosts use no TLS; SHOAL_API_VERSION fixes the version', () => {
  const options = engineClientOptions(
    {},
    { SHOAL_HOST: 'tcp://h:1', SHOAL_API_VERSION: '1.40' },
    'ua',
  );
  assert.deepEqual(options, {
    host: { kind: 'tcp', host: 'h', port: 1, url: 'tcp://h:1' },
    userAgent: 'ua',
    fixedApiVersion: '1.40',
  });
});

test('--tls reads the certificate and key it finds but does not verify; --tlsverify also reads the CA', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shoal-certs-'));
  try {
    await writeFile(join(dir, 'ca.pem'), 'CA');
    await writeFile(join(dir, 'cert.pem'), 'CERT');
    const env = { SHOAL_CERT_PATH: dir };
    const plain = engineClientOptions({ host: ['tcp://h'], tls: true }, env, 'ua');
    assert.equal(plain.host.url, 'tcp://h:2376');
    assert.deepEqual(plain.tls, { verify: false, cert: Buffer.from('CERT') });
    const verified = engineClientOptions(
      { host: ['tcp://h'] },
      { ...env, SHOAL_TLS_VERIFY: '1' },
      'ua',
    );
    assert.deepEqual(verified.tls, {
      verify: true,
      ca: Buffer.from('CA'),
      cert: Buffer.from('CERT'),
    });
    assert.throws(
      () => engineClientOptions({ tls: true, tlskey: join(dir, 'missing.pem') }, env, 'ua'),
      /ENOENT/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
