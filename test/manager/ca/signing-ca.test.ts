import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShoalError } from '../../../src/base/errors.ts';
import { validateSigningCa } from '../../../src/manager/ca/signing-ca.ts';
import { makeRoot } from './cluster-pki.ts';

const invalid = (err: unknown): boolean =>
  err instanceof ShoalError && err.code === 'CA_CERT_INVALID' && err.status === 400;

test('a signing CA is accepted only as a matching certificate and key; none given passes', async () => {
  const [mine, other] = [await makeRoot(Date.now(), 3), await makeRoot(Date.now(), 4)];
  await validateSigningCa(undefined);
  await validateSigningCa({ SigningCACert: '', SigningCAKey: '' });
  await validateSigningCa({ SigningCACert: mine.certPem, SigningCAKey: mine.key.pem });
  await assert.rejects(validateSigningCa({ SigningCACert: mine.certPem }), invalid);
  await assert.rejects(validateSigningCa({ SigningCAKey: mine.key.pem }), invalid);
  await assert.rejects(
    validateSigningCa({ SigningCACert: mine.certPem, SigningCAKey: other.key.pem }),
    invalid,
  );
});
