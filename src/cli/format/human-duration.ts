/**
 * A duration in words, as docker's `units.HumanDuration` writes it: "Less than a second",
 * "1 second", "45 seconds", "About a minute", "12 minutes", "About an hour", "5 hours",
 * "3 days", "2 weeks", "4 months", "2 years". Hours are rounded (an hour and a half is
 * "2 hours"); smaller units are truncated. `ms` is a length of time in milliseconds; a
 * negative one reads as "Less than a second". Pure.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.trunc(ms / 3_600_000 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(Math.trunc(ms / 3_600_000) / 24 / 365)} years`;
}

/**
 * How long ago `timestamp` (ISO-8601) was at `now` (epoch milliseconds), in docker's task
 * wording: "2 hours ago", "about a minute ago" (lower-cased, as `docker service ps` prints
 * it). An unparsable timestamp counts as the zero time, as Go's zero `time.Time` would.
 */
export function humanAgo(timestamp: string | undefined, now: number): string {
  const parsed = timestamp === undefined ? NaN : Date.parse(timestamp);
  const then = Number.isNaN(parsed) ? GO_ZERO_TIME_MS : parsed;
  return `${humanDuration(now - then).toLowerCase()} ago`;
}

/** `0001-01-01T00:00:00Z` in epoch milliseconds. */
const GO_ZERO_TIME_MS = -62135596800000;
