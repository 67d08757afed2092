import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { externalCaFlag } from '../../../src/cli/options/external-ca.ts';

test('--external-ca values parse as docker parses them, accumulating', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shoal-extca-'));
  try {
    const pem = '-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n';
    await writeFile(join(dir, 'ca.pem'), pem);
    await writeFile(join(dir, 'bad.pem'), 'nope');
    const first = externalCaFlag('protocol=CFSSL,url=https://a:1,"k=v,w"', undefined);
    assert.deepEqual(first, [{ Protocol: 'cfssl', URL: 'https://a:1', Options: { k: 'v,w' } }]);
    const both = externalCaFlag(
      `protocol=cfssl,url=https://b,cacert=${join(dir, 'ca.pem')}`,
      first,
    );
    assert.equal(both.length, 2);
    assert.equal(both[1]?.CACert, pem);
    assert.throws(() => externalCaFlag('url=https://a', undefined), {
      message: 'the external-ca option needs a protocol= parameter',
    });
    assert.throws(() => externalCaFlag('protocol=cfssl', undefined), {
      message: 'the external-ca option needs a url= parameter',
    });
    assert.throws(() => externalCaFlag('protocol=acme,url=x', undefined), {
      message: 'unrecognized external CA protocol acme',
    });
    assert.throws(() => externalCaFlag('protocol', undefined), {
      message: "invalid field 'protocol' must be a key=value pair",
    });
    assert.throws(
      () => externalCaFlag(`protocol=cfssl,url=x,cacert=${join(dir, 'bad.pem')}`, undefined),
      {
        message: 'CA cert for external CA must be in PEM format',
      },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
