import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { base64DecodedLength } from '../../../src/api/validate/payload.ts';

test('the decoded length matches Buffer for any bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      const text = Buffer.from(bytes).toString('base64');
      assert.equal(base64DecodedLength(text), bytes.length);
    }),
  );
});

const invalid = ['a', 'abc', 'ab=c', 'a===', 'aGVsbG8', 'aGVs bG8=', 'aGVsbG8-'];
for (const text of invalid) {
  test(`${JSON.stringify(text)} is not standard padded base64`, () =>
    assert.equal(base64DecodedLength(text), undefined));
}
