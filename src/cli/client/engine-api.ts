import type { EngineNode, NodeAvailability, NodeSpec } from '../../api/objects/node.ts';
import type { EngineSwarm, SwarmSpec } from '../../api/objects/cluster.ts';
import type { IncomingMessage } from 'node:http';
import type { EngineService } from '../../api/objects/service.ts';
import type { ServiceSpec } from '../../api/objects/service-spec.ts';
import type { EngineTask } from '../../api/objects/task.ts';
import type { SystemVersion } from '../../server/routes/system-version.ts';
import type { SwarmInfo } from '../../server/swarm-info.ts';
import type { EngineClient } from './engine-client.ts';
import { encodeFilters } from './query-string.ts';
import type { QueryValues } from './query-string.ts';

/** The part of `GET /info` the CLI reads. */
export interface SystemInfo {
  readonly Swarm?: Partial<SwarmInfo>;
}

/** `POST /swarm/init`'s body, in the field order docker's client sends. */
export interface SwarmInitRequest {
  readonly ListenAddr: string;
  readonly AdvertiseAddr: string;
  readonly DataPathAddr: string;
  readonly DataPathPort: number;
  readonly ForceNewCluster: boolean;
  readonly Spec: Readonly<Record<string, unknown>>;
  readonly AutoLockManagers: boolean;
  readonly Availability: NodeAvailability | '';
  readonly DefaultAddrPool: readonly string[];
  readonly SubnetSize: number;
}

/** `POST /swarm/join`'s body, in the field order docker's client sends. */
export interface SwarmJoinRequest {
  readonly ListenAddr: string;
  readonly AdvertiseAddr: string;
  readonly DataPathAddr: string;
  readonly RemoteAddrs: readonly string[];
  readonly JoinToken: string;
  readonly Availability: NodeAvailability | '';
}

/** Which secrets a swarm update rotates. */
export interface SwarmUpdateFlags {
  readonly rotateWorkerToken?: boolean;
  readonly rotateManagerToken?: boolean;
  readonly rotateManagerUnlockKey?: boolean;
}

/** A node as read, with the JSON text the daemon sent (for `inspect`). */
export interface InspectedNode {
  readonly node: EngineNode;
  readonly raw: string;
}

/**
 * A node spec as sent back to the daemon: docker's client encodes a node without labels as
 * `"Labels": null`.
 */
export type NodeSpecBody = Omit<NodeSpec, 'Labels'> & {
  readonly Labels: NodeSpec['Labels'] | null;
};

/** Filters by key, each with its alternative values. */
export type FilterArgs = ReadonlyMap<string, readonly string[]>;

const segment = (id: string): string => encodeURIComponent(id);

/**
 * The Engine API calls the CLI makes, each sending exactly the request docker's client
 * sends for the same operation (method, path, query in Go's sorted encoding, JSON body).
 * Errors are those of {@link EngineClient.request}.
 */
export class EngineApi {
  constructor(readonly client: EngineClient) {}

  /** `GET /info`. */
  info(): Promise<SystemInfo> {
    return this.client.json('GET', '/info');
  }

  /** `GET /version`. */
  version(): Promise<SystemVersion> {
    return this.client.json('GET', '/version');
  }

  /** `GET /swarm`. */
  swarmInspect(): Promise<EngineSwarm> {
    return this.client.json('GET', '/swarm');
  }

  /** `POST /swarm/init`; resolves with the new node's ID. */
  swarmInit(request: SwarmInitRequest): Promise<string> {
    return this.client.json('POST', '/swarm/init', { body: request });
  }

  /** `POST /swarm/join`. */
  async swarmJoin(request: SwarmJoinRequest): Promise<void> {
    await this.client.request('POST', '/swarm/join', { body: request });
  }

  /** `POST /swarm/leave[?force=1]`. */
  async swarmLeave(force: boolean): Promise<void> {
    await this.client.request('POST', '/swarm/leave', {
      query: { force: force ? '1' : undefined },
    });
  }

  /** `POST /swarm/update?rotate...&version=N` with the whole spec. */
  async swarmUpdate(version: number, spec: SwarmSpec, flags: SwarmUpdateFlags = {}): Promise<void> {
    await this.client.request('POST', '/swarm/update', {
      query: {
        version,
        rotateWorkerToken: flags.rotateWorkerToken ?? false,
        rotateManagerToken: flags.rotateManagerToken ?? false,
        rotateManagerUnlockKey: flags.rotateManagerUnlockKey ?? false,
      },
      body: spec,
    });
  }

  /** `GET /swarm/unlockkey`; resolves with the key ('' when autolock is off). */
  async swarmUnlockKey(): Promise<string> {
    const answer = await this.client.json<{ UnlockKey?: string }>('GET', '/swarm/unlockkey');
    return answer.UnlockKey ?? '';
  }

  /** `POST /swarm/unlock`. */
  async swarmUnlock(key: string): Promise<void> {
    await this.client.request('POST', '/swarm/unlock', { body: { UnlockKey: key } });
  }

  /** `GET /nodes[?filters=]`. */
  nodeList(filters: FilterArgs = new Map()): Promise<EngineNode[]> {
    return this.client.json('GET', '/nodes', { query: { filters: encodeFilters(filters) } });
  }

  /** `GET /nodes/{id}` (ID, name or unique ID prefix). */
  async nodeInspect(id: string): Promise<InspectedNode> {
    const response = await this.client.request('GET', `/nodes/${segment(id)}`);
    const raw = response.body.toString('utf8');
    return { node: JSON.parse(raw) as EngineNode, raw };
  }

  /** `POST /nodes/{id}/update?version=N` with the whole spec. */
  async nodeUpdate(id: string, version: number, spec: NodeSpecBody): Promise<void> {
    await this.client.request('POST', `/nodes/${segment(id)}/update`, {
      query: { version },
      body: spec,
    });
  }

  /** `DELETE /nodes/{id}[?force=1]`. */
  async nodeRemove(id: string, force: boolean): Promise<void> {
    await this.client.request('DELETE', `/nodes/${segment(id)}`, {
      query: { force: force ? '1' : undefined },
    });
  }

  /** `GET /tasks[?filters=]`. */
  taskList(filters: FilterArgs = new Map()): Promise<EngineTask[]> {
    return this.client.json('GET', '/tasks', { query: { filters: encodeFilters(filters) } });
  }

  /** `GET /services/{id}?insertDefaults=false`, the service's name is all the CLI needs here. */
  serviceInspect(
    id: string,
  ): Promise<{ readonly ID: string; readonly Spec?: { readonly Name?: string } }> {
    return this.client.json('GET', `/services/${segment(id)}`, {
      query: { insertDefaults: false },
    });
  }

  /** `GET /services/{id}` with the raw JSON text (for `inspect`); `insertDefaults` as asked. */
  async serviceGet(id: string, insertDefaults = false): Promise<InspectedService> {
    const response = await this.client.request('GET', `/services/${segment(id)}`, {
      query: { insertDefaults },
    });
    const raw = response.body.toString('utf8');
    return { service: JSON.parse(raw) as EngineService, raw };
  }

  /** `GET /services[?filters=&status=true]`. */
  serviceList(filters: FilterArgs = new Map(), status = false): Promise<EngineService[]> {
    return this.client.json('GET', '/services', {
      query: { filters: encodeFilters(filters), status: status ? true : undefined },
    });
  }

  /** `POST /services/create`: the new service's ID and the daemon's warnings. */
  serviceCreate(spec: ServiceSpec): Promise<ServiceCreateResponse> {
    return this.client.json('POST', '/services/create', { body: spec });
  }

  /**
   * `POST /services/{id}/update?version=` with the full spec, or `rollback=previous` (the
   * spec sent is then the current one, as docker's client does).
   */
  serviceUpdate(
    id: string,
    version: number,
    spec: ServiceSpec,
    rollback = false,
  ): Promise<{ readonly Warnings?: readonly string[] | null }> {
    return this.client.json('POST', `/services/${segment(id)}/update`, {
      query: { version, rollback: rollback ? 'previous' : undefined },
      body: spec,
    });
  }

  /** `DELETE /services/{id}`. */
  async serviceRemove(id: string): Promise<void> {
    await this.client.request('DELETE', `/services/${segment(id)}`);
  }

  /** `GET /services/{id}/logs` (or `/tasks/{id}/logs`) as an open multiplexed stream. */
  logs(kind: 'services' | 'tasks', id: string, query: QueryValues): Promise<IncomingMessage> {
    return this.client.stream('GET', `/${kind}/${segment(id)}/logs`, { query });
  }

  /** `GET /tasks/{id}`. */
  taskInspect(id: string): Promise<EngineTask> {
    return this.client.json('GET', `/tasks/${segment(id)}`);
  }
}

/** A service as read, with the JSON text the daemon sent (for `inspect`). */
export interface InspectedService {
  readonly service: EngineService;
  readonly raw: string;
}

/** `POST /services/create`'s answer. */
export interface ServiceCreateResponse {
  readonly ID: string;
  readonly Warnings?: readonly string[] | null;
}
