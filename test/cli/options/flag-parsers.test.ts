import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filterFlag } from '../../../src/cli/options/filter-option.ts';
import {
  cidrListFlag,
  durationFlag,
  intFlag,
  uintFlag,
} from '../../../src/cli/options/flag-parsers.ts';

test('numbers parse as Go strconv parses them', () => {
  assert.equal(intFlag('-3'), -3);
  assert.equal(intFlag('0x10'), 16);
  assert.equal(intFlag('010'), 8);
  assert.equal(uintFlag('10000'), 10000);
  assert.throws(() => uintFlag('-1'), {
    message: 'strconv.ParseUint: parsing "-1": invalid syntax',
  });
  assert.throws(() => intFlag('1.5'), {
    message: 'strconv.ParseInt: parsing "1.5": invalid syntax',
  });
  assert.equal(durationFlag('1m30s'), 90e9);
});

test('CIDR lists are masked to their network and may be comma-separated', () => {
  assert.deepEqual(cidrListFlag('10.20.1.7/16, 192.168.5.0/24', ['10.0.0.0/8']), [
    '10.0.0.0/8',
    '10.20.0.0/16',
    '192.168.5.0/24',
  ]);
  assert.deepEqual(cidrListFlag('0.0.0.0/0', undefined), ['0.0.0.0/0']);
  assert.throws(() => cidrListFlag('10.0.0.300/8', undefined), {
    message: 'invalid CIDR address: 10.0.0.300/8',
  });
});

test('filters gather key=value pairs by lower-cased key', () => {
  const filters = filterFlag(' Label = a=b ', filterFlag('role=manager', undefined));
  assert.deepEqual(
    [...filterFlag('label=c', filters)],
    [
      ['role', ['manager']],
      ['label', ['a=b', 'c']],
    ],
  );
  assert.throws(() => filterFlag('nothing', undefined), {
    message: 'bad format of filter (expected name=value)',
  });
});
