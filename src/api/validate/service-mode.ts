import type { ServiceMode } from '../objects/service-spec.ts';
import type { Problem } from './spec-error.ts';
import { isNonNegativeInteger, specError } from './spec-error.ts';

function checkModeCount(field: string, value: unknown, negative: string): Problem {
  if (value === undefined || isNonNegativeInteger(value)) return undefined;
  if (typeof value === 'number' && value < 0) return specError(field, negative);
  return specError(field, `${field} must be a whole number of 0 or more`);
}

/**
 * Checks a service mode, with Docker's messages: at most one of `Replicated`, `Global`,
 * `ReplicatedJob`, `GlobalJob` ("must specify only one service mode"), replicas not
 * negative, job concurrency and completions not negative. An empty mode is valid (one
 * replica).
 */
export function validateServiceMode(mode: ServiceMode | undefined): Problem {
  if (mode === undefined) return undefined;
  const kinds = (['Replicated', 'Global', 'ReplicatedJob', 'GlobalJob'] as const).filter(
    (kind) => mode[kind] !== undefined,
  );
  if (kinds.length > 1) return specError('Mode', 'must specify only one service mode');
  const job = mode.ReplicatedJob;
  return (
    checkModeCount(
      'Mode.Replicated.Replicas',
      mode.Replicated?.Replicas,
      'Number of replicas must be non-negative',
    ) ??
    checkModeCount(
      'Mode.ReplicatedJob.MaxConcurrent',
      job?.MaxConcurrent,
      'Maximum concurrent jobs must not be negative',
    ) ??
    checkModeCount(
      'Mode.ReplicatedJob.TotalCompletions',
      job?.TotalCompletions,
      'Total completed jobs must not be negative',
    )
  );
}
