import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanAgo, humanDuration } from '../../../src/cli/format/human-duration.ts';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

test('durations read as docker words them, truncating below an hour and rounding hours', () => {
  const cases: [number, string][] = [
    [0, 'Less than a second'],
    [-5 * s, 'Less than a second'],
    [999, 'Less than a second'],
    [1 * s, '1 second'],
    [1999, '1 second'],
    [2 * s, '2 seconds'],
    [59 * s, '59 seconds'],
    [60 * s, 'About a minute'],
    [119 * s, 'About a minute'],
    [2 * m, '2 minutes'],
    [59 * m + 59 * s, '59 minutes'],
    [60 * m, 'About an hour'],
    [h + 29 * m, 'About an hour'],
    [h + 30 * m, '2 hours'],
    [47 * h, '47 hours'],
    [47 * h + 30 * m, '2 days'],
    [13 * d, '13 days'],
    [14 * d, '2 weeks'],
    [59 * d, '8 weeks'],
    [60 * d, '2 months'],
    [729 * d, '24 months'],
    [730 * d, '2 years'],
    [3650 * d, '10 years'],
  ];
  for (const [ms, words] of cases) assert.equal(humanDuration(ms), words, `${ms} ms`);
});

test('"ago" is lower-cased and measured against the injected now', () => {
  const now = Date.UTC(2024, 5, 1, 12, 0, 0);
  assert.equal(humanAgo('2024-06-01T10:00:00Z', now), '2 hours ago');
  assert.equal(humanAgo('2024-06-01T11:58:50.5Z', now), 'about a minute ago');
  assert.equal(humanAgo('2024-06-01T11:59:59.9Z', now), 'less than a second ago');
  assert.equal(humanAgo(undefined, now), '2024 years ago');
});
