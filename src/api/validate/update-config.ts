import type { UpdateConfig } from '../objects/service-spec.ts';
import { FAILURE_ACTIONS, UPDATE_ORDERS } from '../objects/service-spec.ts';
import type { Problem } from './spec-error.ts';
import { checkCount, checkOneOf, firstProblem, given, specError } from './spec-error.ts';

function checkDuration(field: string, value: unknown, flag: string): Problem {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    return specError(field, `${field} must be a whole number of nanoseconds`);
  }
  if (value < 0) return specError(field, `TaskSpec: ${flag} cannot be negative`);
  return undefined;
}

function checkRatio(field: string, value: unknown, flag: string): Problem {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && value >= 0 && value <= 1) return undefined;
  return specError(field, `TaskSpec: ${flag} cannot be less than 0 or bigger than 1`);
}

/**
 * Checks an `UpdateConfig` or `RollbackConfig` (`which` names the field and picks the
 * `update-`/`rollback-` words of the messages, Docker's for updates): parallelism a whole
 * number, delay and monitor not negative, failure ratio within [0, 1], failure action
 * `pause`/`continue`/`rollback`, order `stop-first`/`start-first`.
 */
export function validateUpdateConfig(
  config: UpdateConfig | undefined,
  which: 'UpdateConfig' | 'RollbackConfig' = 'UpdateConfig',
): Problem {
  if (config === undefined) return undefined;
  const flag = which === 'UpdateConfig' ? 'update' : 'rollback';
  return firstProblem([
    () => checkCount(`${which}.Parallelism`, config.Parallelism),
    () => checkDuration(`${which}.Delay`, config.Delay, `${flag}-delay`),
    () => checkDuration(`${which}.Monitor`, config.Monitor, `${flag}-monitor`),
    () => checkRatio(`${which}.MaxFailureRatio`, config.MaxFailureRatio, `${flag}-maxfailureratio`),
    () =>
      checkOneOf(
        `${which}.FailureAction`,
        given(config.FailureAction),
        FAILURE_ACTIONS,
        (v) => `unrecognized ${flag} failure action ${String(v)}`,
      ),
    () =>
      checkOneOf(
        `${which}.Order`,
        given(config.Order),
        UPDATE_ORDERS,
        (v) => `unrecognized ${flag} order ${String(v)}`,
      ),
  ]);
}
