const RFC3339 = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|z|[+-]\d{2}:\d{2})$/;

/**
 * An ISO-8601 (RFC 3339) time as Go's `time.Time.String()` prints it:
 * `2024-01-01 00:00:00.5 +0000 UTC`, fractional seconds without trailing zeros, in the
 * offset the text was written in (`+0200 +0200` for a numeric zone, as Go names a zone it
 * does not know). An unparsable or absent time prints Go's zero time. Pure.
 */
export function goTimeString(iso: string | undefined): string {
  const match = iso === undefined ? null : RFC3339.exec(iso);
  if (match === null) return '0001-01-01 00:00:00 +0000 UTC';
  const [, date = '', time = '', fraction = '', zone = 'Z'] = match;
  const frac = fraction.slice(0, 9).replace(/0+$/, '');
  const clock = frac === '' ? time : `${time}.${frac}`;
  if (zone === 'Z' || zone === 'z') return `${date} ${clock} +0000 UTC`;
  const offset = zone.replace(':', '');
  return `${date} ${clock} ${offset} ${offset}`;
}
