/** Nanoseconds per unit of Go's duration syntax. */
const UNITS: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/**
 * Parses a Go duration (`90s`, `1h30m`, `2160h0m0s`, `1.5s`, `-2m`, `0`) into nanoseconds,
 * as `time.ParseDuration` does. Throws an Error with Go's wording (`time: invalid duration
 * "x"`, `time: missing unit in duration "1"`, `time: unknown unit "d" in duration "1d"`).
 */
export function parseGoDuration(text: string): number {
  const quoted = `"${text}"`;
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw new Error(`time: invalid duration ${quoted}`);
  let total = 0;
  while (rest !== '') {
    const number = /^(\d*)(?:\.(\d*))?/.exec(rest);
    const whole = number?.[1] ?? '';
    const fraction = number?.[2];
    if (whole === '' && (fraction === undefined || fraction === '')) {
      throw new Error(`time: invalid duration ${quoted}`);
    }
    rest = rest.slice(number?.[0].length ?? 0);
    const unit = /^[^\d.]*/.exec(rest)?.[0] ?? '';
    if (unit === '') throw new Error(`time: missing unit in duration ${quoted}`);
    const scale = UNITS[unit];
    if (scale === undefined) throw new Error(`time: unknown unit "${unit}" in duration ${quoted}`);
    rest = rest.slice(unit.length);
    total += Number(`${whole || '0'}.${fraction ?? ''}0`) * scale;
  }
  return sign * Math.round(total);
}

/**
 * Formats nanoseconds as Go's `time.Duration.String()`: `2160h0m0s`, `5s`, `1m30s`,
 * `1.5s`, `500ms`, `0s`. Pure.
 */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  const abs = Math.abs(ns);
  if (abs < 1e3) return `${sign}${abs}ns`;
  if (abs < 1e6) return `${sign}${fraction(abs, 1e3)}µs`;
  if (abs < 1e9) return `${sign}${fraction(abs, 1e6)}ms`;
  const hours = Math.floor(abs / 3600e9);
  const minutes = Math.floor((abs - hours * 3600e9) / 60e9);
  const seconds = abs - hours * 3600e9 - minutes * 60e9;
  const h = hours > 0 ? `${hours}h` : '';
  const m = hours > 0 || minutes > 0 ? `${minutes}m` : '';
  return `${sign}${h}${m}${fraction(seconds, 1e9)}s`;
}

function fraction(value: number, unit: number): string {
  const whole = Math.floor(value / unit);
  const rest = value - whole * unit;
  if (rest === 0) return String(whole);
  const digits = String(Math.round(rest))
    .padStart(String(unit).length - 1, '0')
    .replace(/0+$/, '');
  return `${whole}.${digits}`;
}
