import type { Problem } from './spec-error.ts';
import { specError } from './spec-error.ts';

/** A problem unless `labels` is absent or an object whose values are all strings. */
export function checkLabels(field: string, labels: unknown): Problem {
  if (labels === undefined || labels === null) return undefined;
  if (typeof labels !== 'object' || Array.isArray(labels)) {
    return specError(field, `${field} must be an object of string values`);
  }
  for (const [key, value] of Object.entries(labels)) {
    if (typeof value !== 'string') {
      return specError(`${field}.${key}`, `label ${key} must have a string value`);
    }
  }
  return undefined;
}
