/**
 * What the server says about itself in headers, `/version` and `/info`. The daemon fills it
 * from package.json and its build; tests pass fixed values.
 */
export interface ServerIdentity {
  /** shoal's version (`ServerVersion` in `/info`, `Version` in `/version`). */
  readonly version: string;
  /** The commit shoal was built from; '' when unknown (a checkout run through tsx). */
  readonly gitCommit?: string;
  /** When shoal was built, RFC 3339; '' when unknown. */
  readonly buildTime?: string;
  /** Whether experimental features are on (`Docker-Experimental` header). Default false. */
  readonly experimental?: boolean;
}

/** The `Server` header: `shoal/<version> (<os>)`, shaped as the Engine's `Docker/<version> (<os>)`. */
export function serverHeader(identity: ServerIdentity): string {
  return `shoal/${identity.version} (${process.platform})`;
}
