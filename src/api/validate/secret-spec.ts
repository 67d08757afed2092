import type { ConfigSpec } from '../objects/config.ts';
import type { SecretSpec } from '../objects/secret.ts';
import { checkLabels } from './labels.ts';
import { validateSecretOrConfigName } from './names.ts';
import { checkPayload } from './payload.ts';
import type { Problem } from './spec-error.ts';
import { firstProblem, specError } from './spec-error.ts';

/** Largest secret payload, exclusive: 500 KiB. */
export const MAX_SECRET_SIZE = 500 * 1024;
/** Largest config payload, exclusive: 1000 KiB. */
export const MAX_CONFIG_SIZE = 1000 * 1024;

/**
 * Checks a secret of `POST /secrets/create`, with Docker's messages: the name rules of
 * validateSecretOrConfigName; then either a driver with a name (its payload comes from the
 * driver) or a payload of 1 byte to under 500 KiB.
 */
export function validateSecretSpec(spec: SecretSpec): Problem {
  return firstProblem([
    () => validateSecretOrConfigName(spec.Name),
    () => checkLabels('Labels', spec.Labels),
    () => {
      if (spec.Driver === undefined) return checkPayload('secret', spec.Data, MAX_SECRET_SIZE);
      if (spec.Driver.Name === undefined || spec.Driver.Name === '') {
        return specError('Driver.Name', 'secret driver must have a name');
      }
      return undefined;
    },
  ]);
}

/** Checks a config of `POST /configs/create`: name rules, and a payload of 1 byte to under 1000 KiB. */
export function validateConfigSpec(spec: ConfigSpec): Problem {
  return firstProblem([
    () => validateSecretOrConfigName(spec.Name),
    () => checkLabels('Labels', spec.Labels),
    () => checkPayload('config', spec.Data, MAX_CONFIG_SIZE),
  ]);
}

/**
 * Checks a secret or config update: only `Labels` may change. A different name, or a
 * payload that is sent and differs, gives Docker's "only updates to Labels are allowed";
 * leaving `Data` out keeps it.
 */
export function validateLabelsOnlyUpdate(
  current: SecretSpec | ConfigSpec,
  next: SecretSpec | ConfigSpec,
): Problem {
  const nameChanged = (current.Name ?? '') !== (next.Name ?? '');
  const dataChanged = next.Data !== undefined && next.Data !== current.Data;
  if (!nameChanged && !dataChanged) return undefined;
  return specError(nameChanged ? 'Name' : 'Data', 'only updates to Labels are allowed');
}
