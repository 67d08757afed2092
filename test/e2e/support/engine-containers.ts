import { ApiClient } from '../../support/api-client.ts';

/** The parts of a Docker Engine container listing the end-to-end tests read. */
export interface ContainerSummary {
  readonly Id: string;
  readonly Names: readonly string[];
  readonly Image: string;
  readonly State: string;
  readonly Labels: Readonly<Record<string, string>>;
}

/** The parts of `GET /containers/{id}/json` the end-to-end tests read. */
export interface ContainerInspect {
  readonly Id: string;
  readonly Name: string;
  readonly Config: {
    readonly Image: string;
    readonly Env: readonly string[];
    readonly Labels: Readonly<Record<string, string>>;
    readonly Healthcheck?: Readonly<Record<string, unknown>>;
    readonly StopSignal?: string;
    readonly User?: string;
    readonly WorkingDir?: string;
    readonly Hostname?: string;
  };
  readonly State: {
    readonly Status: string;
    readonly Health?: { readonly Status: string; readonly FailingStreak: number };
  };
  readonly HostConfig: {
    readonly NanoCpus?: number;
    readonly Memory?: number;
    readonly MemoryReservation?: number;
    readonly Init?: boolean;
    readonly Mounts?: readonly Readonly<Record<string, unknown>>[];
  };
  readonly Mounts: readonly {
    readonly Type: string;
    readonly Source?: string;
    readonly Destination: string;
    readonly RW: boolean;
  }[];
}

/**
 * The local Docker Engine as the end-to-end tests see it: the containers shoal made (found
 * by Swarm's labels), image tags made for a test and removed after it.
 */
export class EngineContainers {
  private readonly api: ApiClient;

  constructor(readonly socketPath: string) {
    this.api = new ApiClient(socketPath, 30_000);
  }

  /** Containers carrying every `key=value` label given; only running ones with `running`. */
  async list(labels: readonly string[], running = false): Promise<ContainerSummary[]> {
    const filters: Record<string, string[]> = { label: [...labels] };
    if (running) filters['status'] = ['running'];
    const query = new URLSearchParams({ all: '1', filters: JSON.stringify(filters) });
    return (await this.api.ok('GET', `/containers/json?${query.toString()}`)) as ContainerSummary[];
  }

  /**
   * Containers of the service named `name` on node `nodeId` (Swarm's service name and node
   * labels: other tests may run services of the same name on the same engine).
   */
  ofService(nodeId: string, name: string, running = false): Promise<ContainerSummary[]> {
    return this.list(
      [`com.docker.swarm.service.name=${name}`, `com.docker.swarm.node.id=${nodeId}`],
      running,
    );
  }

  /** `GET /containers/{id}/json`. */
  async inspect(id: string): Promise<ContainerInspect> {
    return (await this.api.ok('GET', `/containers/${id}/json`)) as ContainerInspect;
  }

  /** Tags `source` as `repo:tag` (what `docker tag` does). */
  async tag(source: string, repo: string, tag: string): Promise<string> {
    const query = new URLSearchParams({ repo, tag }).toString();
    await this.api.ok('POST', `/images/${source}/tag?${query}`);
    return `${repo}:${tag}`;
  }

  /** Removes the tag `ref` (the image stays while other tags name it); a missing tag is fine. */
  async untag(ref: string): Promise<void> {
    const reply = await this.api.call('DELETE', `/images/${ref}?noprune=1`);
    if (reply.status !== 200 && reply.status !== 404) {
      throw new Error(`DELETE /images/${ref} → ${reply.status} ${JSON.stringify(reply.body)}`);
    }
  }

  /** Whether an image `ref` exists in the engine. */
  async hasImage(ref: string): Promise<boolean> {
    return (await this.api.call('GET', `/images/${ref}/json`)).status === 200;
  }
}
