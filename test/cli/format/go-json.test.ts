import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asGoValues, GoTime, goMarshal } from '../../../src/cli/format/go-json.ts';

test('time fields become Go times; other strings stay strings', () => {
  const value = asGoValues({
    CreatedAt: '2024-05-01T09:30:15.250000000Z',
    Spec: { Labels: { CreatedAt: 'not a time' } },
    Status: { Timestamp: '2024-05-01T09:30:15Z' },
    Name: '2024-05-01T09:30:15Z',
  }) as Record<string, unknown>;
  assert.ok(value['CreatedAt'] instanceof GoTime);
  assert.equal(value['Name'], '2024-05-01T09:30:15Z');
  assert.deepEqual((value['Spec'] as Record<string, unknown>)['Labels'], {
    CreatedAt: 'not a time',
  });
  assert.ok((value['Status'] as Record<string, unknown>)['Timestamp'] instanceof GoTime);
});

test('goMarshal sorts maps, keeps structs, writes Go times and escapes HTML on request', () => {
  const value = asGoValues({
    ID: 'x',
    CreatedAt: '2024-05-01T09:30:15.100Z',
    Labels: { z: '<1>', a: '&' },
    Empty: {},
    List: [],
  });
  assert.equal(
    goMarshal(value),
    '{"ID":"x","CreatedAt":"2024-05-01T09:30:15.1Z","Labels":{"a":"&","z":"<1>"},"Empty":{},"List":[]}',
  );
  assert.equal(
    goMarshal([value], { indent: '    ', escapeHtml: true }),
    [
      '[',
      '    {',
      '        "ID": "x",',
      '        "CreatedAt": "2024-05-01T09:30:15.1Z",',
      '        "Labels": {',
      '            "a": "\\u0026",',
      '            "z": "\\u003c1\\u003e"',
      '        },',
      '        "Empty": {},',
      '        "List": []',
      '    }',
      ']',
    ].join('\n'),
  );
  assert.equal(goMarshal(undefined), 'null');
  assert.equal(goMarshal('\u2028'), '"\\u2028"');
});
