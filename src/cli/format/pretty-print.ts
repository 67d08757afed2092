/**
 * docker's `PrettyPrint` for a string: the first letter upper-cased and the rest
 * lower-cased (`ready` → `Ready`, `REACHABLE` → `Reachable`); a one-letter string is
 * lower-cased and an absent value reads "None". Pure.
 */
export function prettyPrint(value: string | undefined | null): string {
  if (value === undefined || value === null) return 'None';
  if (value.length <= 1) return value.toLowerCase();
  return value.charAt(0).toUpperCase() + value.slice(1).toLowerCase();
}

/**
 * docker's `TruncateID`: drops an algorithm prefix (`sha256:`) and keeps the first 12
 * characters. Pure.
 */
export function truncateId(id: string): string {
  const colon = id.indexOf(':');
  const bare = colon >= 0 ? id.slice(colon + 1) : id;
  return bare.length > 12 ? bare.slice(0, 12) : bare;
}
