import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesSize } from '../../../src/cli/format/bytes-size.ts';
import { formatGoDuration, parseGoDuration } from '../../../src/cli/format/go-duration.ts';
import { goTimeString } from '../../../src/cli/format/go-time.ts';
import { naturalCompare } from '../../../src/cli/format/natural-order.ts';
import { prettyPrint, truncateId } from '../../../src/cli/format/pretty-print.ts';

test('bytesSize writes binary units with four significant digits', () => {
  assert.equal(bytesSize(0), '0B');
  assert.equal(bytesSize(512), '512B');
  assert.equal(bytesSize(2000), '1.953KiB');
  assert.equal(bytesSize(20 * 1024 * 1024), '20MiB');
  assert.equal(bytesSize(8_339_202_048), '7.766GiB');
  assert.equal(bytesSize(1.5 * 2 ** 40), '1.5TiB');
});

test('Go durations parse and print as time.ParseDuration and Duration.String do', () => {
  const cases: [string, number, string][] = [
    ['2160h0m0s', 7_776_000_000_000_000, '2160h0m0s'],
    ['5s', 5e9, '5s'],
    ['90s', 90e9, '1m30s'],
    ['1.5h', 5400e9, '1h30m0s'],
    ['1h', 3600e9, '1h0m0s'],
    ['250ms', 250e6, '250ms'],
    ['1.25us', 1250, '1.25µs'],
    ['3µs', 3000, '3µs'],
    ['7ns', 7, '7ns'],
    ['0', 0, '0s'],
    ['-2m', -120e9, '-2m0s'],
    ['1m0.5s', 60.5e9, '1m0.5s'],
  ];
  for (const [text, ns, printed] of cases) {
    assert.equal(parseGoDuration(text), ns, text);
    assert.equal(formatGoDuration(ns), printed, text);
  }
  assert.throws(() => parseGoDuration('10'), { message: 'time: missing unit in duration "10"' });
  assert.throws(() => parseGoDuration('3d'), {
    message: 'time: unknown unit "d" in duration "3d"',
  });
  assert.throws(() => parseGoDuration('x'), { message: 'time: invalid duration "x"' });
  assert.throws(() => parseGoDuration(''), { message: 'time: invalid duration ""' });
});

test('times print as Go time.Time.String() does', () => {
  assert.equal(goTimeString('2024-05-01T09:30:15Z'), '2024-05-01 09:30:15 +0000 UTC');
  assert.equal(goTimeString('2024-05-01T09:30:15.250000000Z'), '2024-05-01 09:30:15.25 +0000 UTC');
  assert.equal(goTimeString('2024-05-01T09:30:15.1+02:00'), '2024-05-01 09:30:15.1 +0200 +0200');
  assert.equal(goTimeString('garbage'), '0001-01-01 00:00:00 +0000 UTC');
  assert.equal(goTimeString(undefined), '0001-01-01 00:00:00 +0000 UTC');
});

test('natural order compares digit runs as numbers', () => {
  const sorted = ['node-10', 'node-2', 'node-1', 'a', 'node-02', 'node-1a', '1', 'B'].sort(
    naturalCompare,
  );
  assert.deepEqual(sorted, ['1', 'B', 'a', 'node-1', 'node-1a', 'node-2', 'node-02', 'node-10']);
  assert.equal(naturalCompare('same', 'same'), 0);
});

test('prettyPrint capitalises like docker and truncateId keeps 12 characters', () => {
  assert.equal(prettyPrint('ready'), 'Ready');
  assert.equal(prettyPrint('REACHABLE'), 'Reachable');
  assert.equal(prettyPrint('x'), 'x');
  assert.equal(prettyPrint(''), '');
  assert.equal(prettyPrint(undefined), 'None');
  assert.equal(truncateId('abcdefghijklmnopqrstuvwxy'), 'abcdefghijkl');
  assert.equal(truncateId('sha256:0123456789abcdef'), '0123456789ab');
  assert.equal(truncateId('short'), 'short');
});
