import { ShoalError } from '../../base/errors.ts';
import { statusOf } from '../errors.ts';

/** What every validator returns: the first problem found, or `undefined` when the input is valid. */
export type Problem = ShoalError | undefined;

/**
 * A `SPEC_INVALID` error (HTTP 400) about `field`, a dotted path in Docker's JSON
 * (`TaskTemplate.ContainerSpec.Image`, `EndpointSpec.Ports[0].Protocol`). `message` uses
 * Docker's wording where Docker has one.
 */
export function specError(field: string, message: string): ShoalError {
  return new ShoalError('SPEC_INVALID', message, { status: statusOf('SPEC_INVALID'), field });
}

/** Runs `checks` in order and returns the first problem, so callers report one at a time as Docker does. */
export function firstProblem(checks: readonly (() => Problem)[]): Problem {
  for (const check of checks) {
    const problem = check();
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** Whether `value` is a whole number that is zero or more (JSON numbers may be anything). */
export function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** A problem unless `value` is absent or a non-negative whole number. */
export function checkCount(field: string, value: unknown): Problem {
  if (value === undefined || isNonNegativeInteger(value)) return undefined;
  return specError(
    field,
    `${field} must be a whole number of 0 or more, not ${JSON.stringify(value)}`,
  );
}

/** A problem unless `value` is absent, or one of `allowed`; `describe` words the complaint. */
export function checkOneOf(
  field: string,
  value: unknown,
  allowed: readonly string[],
  describe: (value: unknown) => string,
): Problem {
  if (value === undefined || (typeof value === 'string' && allowed.includes(value)))
    return undefined;
  return specError(field, describe(value));
}

/** `value`, with an empty string read as "not given" (Go's zero value for an enum). */
export function given(value: unknown): unknown {
  return value === '' ? undefined : value;
}
