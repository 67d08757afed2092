import { ManualClock } from '../../../src/base/clock.ts';
import type { NodeRole } from '../../../src/manager/ca/node-role.ts';
import type { RootCa } from '../../../src/manager/ca/root-ca.ts';
import { mutualTlsClientOptions } from '../../../src/manager/ca/tls-identity.ts';
import type { TlsIdentity } from '../../../src/manager/ca/tls-identity.ts';
import { ClusterListener } from '../../../src/manager/rpc/cluster-listener.ts';
import type { ClusterPolicy } from '../../../src/manager/rpc/cluster-listener.ts';
import { RpcClient } from '../../../src/manager/rpc/rpc-client.ts';
import { RpcServer } from '../../../src/manager/rpc/rpc-server.ts';
import { issueIdentity, makeRoot } from '../ca/cluster-pki.ts';

// OpenSSL checks validity against the wall clock, so certificates are made around it; the
// policy's own checks run on a ManualClock started at the same instant.
export const realNow = Date.now();
export const hour = 3_600_000;

/** A test cluster's PKI: one root, a removal set, the shared policy and closers to run. */
export class TestPki {
  readonly clock = new ManualClock(realNow);
  readonly removed = new Set<string>();
  readonly policy: ClusterPolicy;
  private readonly closers: (() => unknown)[] = [];

  private constructor(
    readonly root: RootCa,
    readonly clusterId: string,
  ) {
    this.policy = {
      clusterId,
      now: () => this.clock.now(),
      isRemoved: (id) => this.removed.has(id),
    };
  }

  static async create(seed: number, clusterId = 'c1'): Promise<TestPki> {
    return new TestPki(await makeRoot(realNow, seed), clusterId);
  }

  /** A certificate for `nodeId` from this root (or another cluster ID / time when given). */
  identity(
    nodeId: string,
    role: NodeRole,
    extra: { clusterId?: string; now?: number; expiryMs?: number; seed?: number } = {},
  ): Promise<TlsIdentity> {
    return issueIdentity(
      this.root,
      { nodeId, role, clusterId: extra.clusterId ?? this.clusterId },
      {
        now: extra.now ?? realNow,
        trustedRootsPem: [this.root.certPem],
        ...(extra.expiryMs === undefined ? {} : { expiryMs: extra.expiryMs }),
        ...(extra.seed === undefined ? {} : { seed: extra.seed }),
      },
    );
  }

  /** A started listener with its own RPC server, closed by {@link close}. */
  async listener(identity: TlsIdentity): Promise<{ listener: ClusterListener; rpc: RpcServer }> {
    const rpc = new RpcServer();
    const listener = new ClusterListener({ identity, policy: this.policy, rpc });
    this.defer(() => listener.close());
    await listener.start();
    return { listener, rpc };
  }

  /** An mTLS RPC client holding `identity`, closed by {@link close}. */
  client(identity: TlsIdentity | (() => TlsIdentity)): RpcClient {
    const current = typeof identity === 'function' ? identity : () => identity;
    const client = new RpcClient(
      { tlsOptions: () => mutualTlsClientOptions(current(), this.policy), timeoutMs: 5_000 },
      { clock: this.clock },
    );
    this.defer(() => client.close());
    return client;
  }

  /** Registers a cleanup, run in reverse order by {@link close}. */
  defer(closer: () => unknown): void {
    this.closers.push(closer);
  }

  async close(): Promise<void> {
    for (const closer of this.closers.reverse()) await closer();
  }
}
