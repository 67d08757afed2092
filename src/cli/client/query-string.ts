/** Query parameters; `undefined` ones are left out. */
export type QueryValues = Readonly<Record<string, string | number | boolean | undefined>>;

/**
 * Escapes a query component as Go's `url.QueryEscape` does: everything but letters,
 * digits and `-_.~` is percent-encoded, and a space becomes `+`.
 */
export function queryEscape(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replaceAll('%20', '+');
}

/**
 * A query string as Go's `url.Values.Encode` writes it, which is what the docker CLI
 * sends: keys sorted, each `key=value` escaped with {@link queryEscape}. Pure.
 */
export function encodeQuery(values: QueryValues): string {
  return Object.keys(values)
    .filter((key) => values[key] !== undefined)
    .sort()
    .map((key) => `${queryEscape(key)}=${queryEscape(String(values[key]))}`)
    .join('&');
}

/**
 * The `filters` parameter of list endpoints in docker's encoding:
 * `{"key":{"value":true}}`, keys and values sorted as Go's map encoding sorts them.
 * Returns `undefined` for no filters, so the parameter is left out.
 */
export function encodeFilters(filters: ReadonlyMap<string, readonly string[]>): string | undefined {
  if (filters.size === 0) return undefined;
  const out: Record<string, Record<string, true>> = {};
  for (const key of [...filters.keys()].sort()) {
    const values: Record<string, true> = {};
    for (const value of [...(filters.get(key) ?? [])].sort()) values[value] = true;
    out[key] = values;
  }
  return JSON.stringify(out);
}
