/**
 * Engine API versions as Docker writes them: dotted decimal strings such as `"1.41"`.
 * Clients put one in the path (`/v1.41/info`) after negotiating down from their own maximum
 * to the `Api-Version` header of `/_ping`.
 */
export type ApiVersion = string;

/** The oldest API version shoal answers; older requests get a 400 (as the Engine's default minimum). */
export const MIN_API_VERSION: ApiVersion = '1.24';

/**
 * The newest API version shoal answers, and the version a request without a `/vX.Y` prefix
 * is served as. 1.41 is Debian's docker.io (20.10); newer clients negotiate down to it. The
 * swarm shapes shoal implements are those of v1.41 (see reference/swarm-behaviour.md §4).
 */
export const MAX_API_VERSION: ApiVersion = '1.41';

/** The versions a server accepts; `max` is also the default for unprefixed paths. */
export interface ApiVersionRange {
  readonly min: ApiVersion;
  readonly max: ApiVersion;
}

/** shoal's own range: {@link MIN_API_VERSION} … {@link MAX_API_VERSION}. */
export const shoalApiVersions: ApiVersionRange = { min: MIN_API_VERSION, max: MAX_API_VERSION };

/**
 * Compares two versions the way the Engine does: part by part as integers, a missing part
 * counting as 0 and a non-numeric part as 0 (so `"1.4"` < `"1.24"` and `"1.40"` = `"1.40.0"`).
 * Returns -1, 0 or 1.
 */
export function compareApiVersions(a: ApiVersion, b: ApiVersion): -1 | 0 | 1 {
  const left = a.split('.');
  const right = b.split('.');
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const x = versionPart(left[i]);
    const y = versionPart(right[i]);
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function versionPart(part: string | undefined): number {
  if (part === undefined || !/^\d+$/.test(part)) return 0;
  return Number(part);
}

/** True when `version` is `min` or newer; route handlers use it to gate fields by version. */
export function apiVersionAtLeast(version: ApiVersion, min: ApiVersion): boolean {
  return compareApiVersions(version, min) >= 0;
}

/** Why a requested version cannot be served, with the Engine's own wording. */
export type VersionRejection =
  | { readonly kind: 'too-old'; readonly message: string }
  | { readonly kind: 'too-new'; readonly message: string };

/**
 * Checks a requested version against `range`. Returns undefined when it is served, or the
 * rejection with the message the Engine sends (clients and scripts match on these texts).
 */
export function checkApiVersion(
  requested: ApiVersion,
  range: ApiVersionRange,
): VersionRejection | undefined {
  if (compareApiVersions(requested, range.min) < 0) {
    return {
      kind: 'too-old',
      message: `client version ${requested} is too old. Minimum supported API version is ${range.min}, please upgrade your client to a newer version`,
    };
  }
  if (compareApiVersions(requested, range.max) > 0) {
    return {
      kind: 'too-new',
      message: `client version ${requested} is too new. Maximum supported API version is ${range.max}`,
    };
  }
  return undefined;
}
