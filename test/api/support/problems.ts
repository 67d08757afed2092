import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Problem } from '../../../src/api/validate/spec-error.ts';

/** One row of a validator table: `input` is valid unless `field` or `message` is given. */
export interface ProblemCase<T> {
  readonly name: string;
  readonly input: T;
  /** The field the problem names. */
  readonly field?: string;
  /** The exact message, or a pattern it must match. */
  readonly message?: string | RegExp;
  /** The error code; `SPEC_INVALID` when a field or message is given and this is not. */
  readonly code?: string;
  /** The HTTP status; 400 unless given. */
  readonly status?: number;
}

/** Asserts one validator result against one expectation. */
export function assertProblem<T>(problem: Problem, expected: ProblemCase<T>): void {
  if (expected.field === undefined && expected.message === undefined) {
    assert.equal(problem, undefined, problem?.message);
    return;
  }
  assert.ok(problem, `expected a problem (${String(expected.message)})`);
  assert.equal(problem.code, expected.code ?? 'SPEC_INVALID');
  assert.equal(problem.status, expected.status ?? 400);
  if (expected.field !== undefined) assert.equal(problem.field, expected.field);
  if (typeof expected.message === 'string') assert.equal(problem.message, expected.message);
  else if (expected.message !== undefined) assert.match(problem.message, expected.message);
}

/** Registers one test per row: `validate(row.input)` must give the row's expectation. */
export function problemTable<T>(
  validate: (input: T) => Problem,
  cases: readonly ProblemCase<T>[],
): void {
  for (const row of cases) {
    test(row.name, () => assertProblem(validate(row.input), row));
  }
}
