import type { Problem } from './spec-error.ts';
import { specError } from './spec-error.ts';

// A DNS label: letters and digits, with '-' or '_' allowed only between them.
const DNS_NAME = /^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*$/;
// Letters, digits, '-', '_' and '.', starting and ending with a letter or digit.
const SECRET_OR_CONFIG_NAME = /^[a-zA-Z0-9]+(?:[a-zA-Z0-9-_.]*[a-zA-Z0-9])?$/;

/** Longest service or network name. */
export const MAX_DNS_NAME_LENGTH = 63;
/** Longest secret or config name. */
export const MAX_SECRET_OR_CONFIG_NAME_LENGTH = 64;

/**
 * Checks a service or network name: required, a DNS name component (letters, digits, and
 * `-`/`_` between them), at most 63 characters. Docker's messages.
 */
export function validateDnsName(name: unknown, field = 'Name'): Problem {
  if (name === undefined || name === '') return specError(field, 'meta: name must be provided');
  if (typeof name !== 'string' || !DNS_NAME.test(name)) {
    return specError(field, 'name must be valid as a DNS name component');
  }
  if (name.length > MAX_DNS_NAME_LENGTH) {
    return specError(field, 'name must be 63 characters or fewer');
  }
  return undefined;
}

/**
 * Checks a secret or config name: required, at most 64 of `[a-zA-Z0-9-_.]`, starting and
 * ending with a letter or digit. Docker's messages.
 */
export function validateSecretOrConfigName(name: unknown, field = 'Name'): Problem {
  if (name === undefined || name === '') return specError(field, 'name must be provided');
  if (
    typeof name !== 'string' ||
    name.length > MAX_SECRET_OR_CONFIG_NAME_LENGTH ||
    !SECRET_OR_CONFIG_NAME.test(name)
  ) {
    return specError(
      field,
      'invalid name, only 64 [a-zA-Z0-9-_.] characters allowed, and the start and end character must be [a-zA-Z0-9]',
    );
  }
  return undefined;
}
