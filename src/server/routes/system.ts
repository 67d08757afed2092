import type { Clock } from '../../base/clock.ts';
import { SystemClock } from '../../base/clock.ts';
import { shoalApiVersions } from '../api-version.ts';
import type { ApiVersionRange } from '../api-version.ts';
import { readHostFacts } from '../host-facts.ts';
import type { HostFacts } from '../host-facts.ts';
import { emptyReply, jsonReply, textReply } from '../reply.ts';
import type { Router } from '../router.ts';
import type { ServerIdentity } from '../server-identity.ts';
import { inactiveSwarm } from '../swarm-info.ts';
import type { SwarmInfoProvider } from '../swarm-info.ts';
import { buildSystemInfo } from './system-info.ts';
import type { EngineInfo } from './system-info.ts';
import { buildSystemVersion } from './system-version.ts';

export interface SystemRouteOptions {
  readonly identity: ServerIdentity;
  /** Must be the range the server was given. Default {@link shoalApiVersions}. */
  readonly versions?: ApiVersionRange;
  /** The node's swarm state. Default {@link inactiveSwarm}. */
  readonly swarm?: SwarmInfoProvider;
  /** Fields of `/info` the daemon and executors fill (engine ID, data dir, labels, counts). */
  readonly engine?: () => EngineInfo | Promise<EngineInfo>;
  /** For `/info`'s SystemTime. Default {@link SystemClock}. */
  readonly clock?: Clock;
  /** Reads the machine's facts. Default {@link readHostFacts}; tests pass fixed facts. */
  readonly host?: () => Promise<HostFacts>;
}

const pingHeaders = {
  'Cache-Control': 'no-cache, no-store, must-revalidate',
  Pragma: 'no-cache',
};

/**
 * Registers the system endpoints:
 * - `GET /_ping` → 200 `OK` (text/plain) and `HEAD /_ping` → 200 with no body, both with
 *   `Cache-Control`, `Pragma` and the `Swarm` header (`inactive`, `active/manager`...; the
 *   Engine sends it from API 1.42 but harmlessly to every version, and so does shoal);
 *   `Api-Version`, `Ostype` and `Docker-Experimental` come from the server on every response.
 * - `GET /version` → {@link buildSystemVersion}.
 * - `GET /info` → {@link buildSystemInfo} with the provider's swarm section.
 * - `OPTIONS` on any path → 200, for CORS preflight, as the Engine answers it.
 */
export function registerSystemRoutes(router: Router, options: SystemRouteOptions): void {
  const versions = options.versions ?? shoalApiVersions;
  const swarm = options.swarm ?? inactiveSwarm;
  const clock = options.clock ?? new SystemClock();
  const host = options.host ?? readHostFacts;

  router.get('/_ping', () => {
    const reply = textReply('OK');
    return { ...reply, headers: { ...pingHeaders, Swarm: swarm.pingStatus() } };
  });
  router.head('/_ping', () =>
    emptyReply(200, {
      ...pingHeaders,
      Swarm: swarm.pingStatus(),
      'Content-Type': 'text/plain; charset=utf-8',
    }),
  );
  router.get('/version', async () =>
    jsonReply(buildSystemVersion(options.identity, versions, await host())),
  );
  router.get('/info', async () => {
    const [facts, swarmInfo, engine] = await Promise.all([
      host(),
      swarm.swarmInfo(),
      options.engine?.() ?? {},
    ]);
    return jsonReply(
      buildSystemInfo({
        identity: options.identity,
        host: facts,
        swarm: swarmInfo,
        engine,
        now: clock.now(),
      }),
    );
  });
  router.options('/{path*}', () => emptyReply(200));
}
