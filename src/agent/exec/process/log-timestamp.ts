/**
 * RFC 3339 with nanoseconds (`2026-11-23T23:15:06.123456000Z`), as Docker prints with
 * `--timestamps`, from clock milliseconds (fractions keep microseconds).
 */
export function formatTimestamp(ms: number): string {
  const whole = Math.floor(ms);
  const micros = Math.floor((ms - whole) * 1000);
  const iso = new Date(whole).toISOString();
  return `${iso.slice(0, 23)}${String(micros).padStart(3, '0')}000Z`;
}

/** Milliseconds since the epoch of an RFC 3339 time with any number of fraction digits. */
export function parseTimestamp(text: string): number {
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(text);
  if (match === null) return Date.parse(text);
  const [, base = '', fraction = '', zone = 'Z'] = match;
  const whole = Date.parse(`${base}${zone}`);
  return whole + Number(`0.${fraction || '0'}`) * 1000;
}
