import type { Problem } from './spec-error.ts';
import { specError } from './spec-error.ts';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The decoded length of standard, padded base64 text; `undefined` if it is not that. */
export function base64DecodedLength(text: string): number | undefined {
  if (!BASE64.test(text)) return undefined;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return (text.length / 4) * 3 - padding;
}

/**
 * Checks a secret or config payload: base64 whose decoded size is at least 1 byte and below
 * `limit` bytes, worded as Docker words it ("secret data must be larger than 0 and less than
 * 512000 bytes").
 */
export function checkPayload(kind: 'secret' | 'config', data: unknown, limit: number): Problem {
  const field = 'Data';
  if (data !== undefined && typeof data !== 'string') {
    return specError(field, `${kind} data must be base64 text`);
  }
  const size = base64DecodedLength(data ?? '');
  if (size === undefined) return specError(field, `${kind} data must be standard base64 text`);
  if (size < 1 || size >= limit) {
    return specError(field, `${kind} data must be larger than 0 and less than ${limit} bytes`);
  }
  return undefined;
}
