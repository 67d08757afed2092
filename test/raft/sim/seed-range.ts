import { test } from 'node:test';
import assert from 'node:assert/strict';
import { replayCommand } from './cli.ts';
import { runSeed } from './simulation.ts';

/** Seeds per `node:test` case: small enough to show progress, large enough to keep output short. */
const BLOCK = 100;

/**
 * Registers tests that run seeds `first .. first + count - 1` of the `nodes` configuration
 * in blocks, each failing with every violation it found and the command replaying it.
 */
export function testSeedRange(nodes: number, first: number, count: number): void {
  for (let start = first; start < first + count; start += BLOCK) {
    const end = Math.min(first + count, start + BLOCK);
    test(`${nodes} nodes: seeds ${start}..${end - 1} keep every invariant`, () => {
      const failures: string[] = [];
      for (let seed = start; seed < end; seed++) {
        const report = runSeed({ seed, nodes });
        if (report.violation !== undefined) {
          failures.push(
            `${report.violation.message.split('\n')[0]}\n    replay: ${replayCommand(report)}`,
          );
        }
      }
      assert.equal(failures.length, 0, `${failures.length} seeds failed:\n${failures.join('\n')}`);
    });
  }
}
