import type { Placement } from '../objects/task-spec.ts';
import type { Problem } from './spec-error.ts';
import { checkCount, specError } from './spec-error.ts';

/** A parsed placement constraint: `key op value`. */
export interface Constraint {
  /** As written (trimmed); compare keys case-insensitively, except the label name. */
  readonly key: string;
  readonly operator: '==' | '!=';
  readonly value: string;
}

/** Keys a constraint may use besides `node.labels.<name>` and `engine.labels.<name>`. */
export const CONSTRAINT_KEYS = [
  'node.id',
  'node.hostname',
  'node.ip',
  'node.role',
  'node.platform.os',
  'node.platform.arch',
] as const;

/** Prefixes of label constraint keys; the rest of the key is the label name. */
export const CONSTRAINT_LABEL_PREFIXES = ['node.labels.', 'engine.labels.'] as const;

// Swarm's grammar: a key of letters, digits, '-', '_' and '.', not starting with a digit,
// and a value of letters, digits, spaces and a few regex-ish characters.
const KEY_PATTERN = /^[a-z_][a-z0-9\-_.]+$/i;
const VALUE_PATTERN = /^[a-z0-9:\-_\s.*()?+[\]\\^$|/]+$/i;

function isKnownKey(key: string): boolean {
  const lower = key.toLowerCase();
  if ((CONSTRAINT_KEYS as readonly string[]).includes(lower)) return true;
  return CONSTRAINT_LABEL_PREFIXES.some(
    (prefix) => lower.startsWith(prefix) && lower.length > prefix.length,
  );
}

/**
 * Parses one constraint expression, `key==value` or `key!=value`, with Swarm's grammar and
 * messages ("constraint expected one operator from ==, !=", "key 'x' is invalid", "value
 * 'x' is invalid"). Unlike Swarm, which accepts any key and then never places the task,
 * an unknown key is rejected with the list of keys that work. Returns the constraint, or
 * the problem found in it.
 */
export function parseConstraint(expression: string): Constraint | string {
  for (const operator of ['==', '!='] as const) {
    const at = expression.indexOf(operator);
    if (at < 0) continue;
    const key = expression.slice(0, at).trim();
    const value = expression.slice(at + operator.length).trim();
    if (!KEY_PATTERN.test(key)) return `key '${key}' is invalid`;
    if (!VALUE_PATTERN.test(value)) return `value '${value}' is invalid`;
    if (!isKnownKey(key)) {
      return `constraint key '${key}' is not supported: use ${CONSTRAINT_KEYS.join(', ')}, node.labels.<name> or engine.labels.<name>`;
    }
    return { key, operator, value };
  }
  return 'constraint expected one operator from ==, !=';
}

/**
 * Checks a task's placement: every constraint parses ({@link parseConstraint}), spread
 * preferences name a descriptor, and `MaxReplicas` is a whole number.
 */
export function validatePlacement(placement: Placement | undefined): Problem {
  if (placement === undefined) return undefined;
  const base = 'TaskTemplate.Placement';
  for (const [i, expression] of (placement.Constraints ?? []).entries()) {
    const parsed = typeof expression === 'string' ? parseConstraint(expression) : 'not a string';
    if (typeof parsed === 'string') return specError(`${base}.Constraints[${i}]`, parsed);
  }
  for (const [i, preference] of (placement.Preferences ?? []).entries()) {
    const descriptor: unknown = preference.Spread?.SpreadDescriptor;
    if (typeof descriptor !== 'string' || descriptor === '') {
      return specError(
        `${base}.Preferences[${i}].Spread.SpreadDescriptor`,
        'a spread preference needs a descriptor, such as node.labels.zone',
      );
    }
  }
  return checkCount(`${base}.MaxReplicas`, placement.MaxReplicas);
}
