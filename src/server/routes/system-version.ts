import type { ApiVersionRange } from '../api-version.ts';
import type { HostFacts } from '../host-facts.ts';
import type { ServerIdentity } from '../server-identity.ts';

/** One entry of `Components` in `/version`. */
export interface ComponentVersion {
  readonly Name: string;
  readonly Version: string;
  readonly Details?: Readonly<Record<string, string>>;
}

/** `GET /version` in the Engine's JSON shape (`SystemVersion`). */
export interface SystemVersion {
  readonly Platform: { readonly Name: string };
  readonly Components: readonly ComponentVersion[];
  readonly Version: string;
  readonly ApiVersion: string;
  readonly MinAPIVersion: string;
  readonly GitCommit: string;
  readonly GoVersion: string;
  readonly Os: string;
  readonly Arch: string;
  readonly KernelVersion: string;
  readonly Experimental?: boolean;
  readonly BuildTime: string;
}

/**
 * Assembles `/version`. The Engine component repeats the top-level fields in `Details`, which
 * is where `docker version` reads "API version", "Go version", "OS/Arch" and the rest. Go's
 * fields carry the runtime shoal really runs on: `GoVersion` is `node v20.x.y`. `Experimental`
 * is omitted when false, as the Engine omits it.
 */
export function buildSystemVersion(
  identity: ServerIdentity,
  versions: ApiVersionRange,
  host: HostFacts,
): SystemVersion {
  const experimental = identity.experimental ?? false;
  const common = {
    ApiVersion: versions.max,
    MinAPIVersion: versions.min,
    GitCommit: identity.gitCommit ?? '',
    GoVersion: `node ${process.version}`,
    Os: host.osType,
    Arch: host.arch,
    KernelVersion: host.kernelVersion,
    BuildTime: identity.buildTime ?? '',
  };
  return {
    Platform: { Name: 'shoal' },
    Components: [
      {
        Name: 'Engine',
        Version: identity.version,
        Details: { ...common, Experimental: String(experimental) },
      },
    ],
    Version: identity.version,
    ...common,
    ...(experimental ? { Experimental: true } : {}),
  };
}
