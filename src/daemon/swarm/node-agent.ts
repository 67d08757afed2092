import type { Clock } from '../../base/clock.ts';
import type { Logger } from '../../base/logger.ts';
import { SeededRng } from '../../base/rng.ts';
import { describeNode, localNodeFacts } from '../../agent/session/node-description.ts';
import { Session } from '../../agent/session/session.ts';
import type { SessionStatus } from '../../agent/session/session.ts';
import { mutualTlsClientOptions } from '../../manager/ca/tls-identity.ts';
import type { TlsIdentity } from '../../manager/ca/tls-identity.ts';
import { RpcClient } from '../../manager/rpc/rpc-client.ts';

/** What a {@link NodeAgent} runs as. */
export interface NodeAgentOptions {
  readonly clusterId: string;
  /** Read at each new connection, so a re-issued certificate is picked up. */
  readonly identity: () => TlsIdentity;
  /** Managers to heartbeat, first tried first (a manager's own address leads). */
  readonly managers: readonly string[];
  readonly hostname: string;
  readonly engineVersion: string;
}

/** What a {@link NodeAgent} takes from the daemon. */
export interface NodeAgentDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Seeds the session's jitter. */
  readonly random: () => number;
}

/**
 * The node's agent as far as it is built: a dispatcher {@link Session} over a mutual-TLS
 * {@link RpcClient} presenting this node's certificate and accepting only managers of its
 * cluster. Every swarm node runs one, managers included, so each node stays `ready`.
 * `stop` ends the session and closes the client; it is idempotent.
 */
export class NodeAgent {
  private readonly rpc: RpcClient;
  private readonly session: Session;
  private stopping: Promise<void> | undefined;

  constructor(options: NodeAgentOptions, deps: NodeAgentDeps) {
    const policy = {
      clusterId: options.clusterId,
      now: () => deps.clock.now(),
      isRemoved: () => false,
      allowedRoles: ['manager' as const],
    };
    this.rpc = new RpcClient(
      { tlsOptions: () => mutualTlsClientOptions(options.identity(), policy) },
      { clock: deps.clock },
    );
    const facts = localNodeFacts('process', options.engineVersion);
    this.session = new Session(
      {
        managers: options.managers,
        description: describeNode({ ...facts, hostname: options.hostname }),
      },
      {
        clock: deps.clock,
        rng: new SeededRng(Math.floor(deps.random() * 0x7fffffff)),
        rpc: this.rpc,
        logger: deps.logger,
      },
    );
  }

  /** Starts heartbeating at once. */
  start(): void {
    this.session.start();
  }

  /** The session as it stands (tests, status output). */
  status(): SessionStatus {
    return this.session.status();
  }

  /** Stops the session, then closes the client's connections. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.session.stop();
      this.rpc.close();
    })();
    return this.stopping;
  }
}
