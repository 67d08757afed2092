import type { EngineApi } from '../../client/engine-api.ts';

/**
 * Turns node and service IDs into names for task lists, as docker's `idresolver` does:
 * a node becomes its spec name, else its hostname; a service its name. An ID that cannot
 * be looked up stays as it is. Answers are cached by ID; with `noResolve` IDs are kept.
 */
export class IdResolver {
  private readonly cache = new Map<string, string>();

  constructor(
    private readonly api: EngineApi,
    private readonly noResolve: boolean,
  ) {}

  /** The display name of node `id`. */
  node(id: string): Promise<string> {
    return this.resolve(id, async () => {
      const { node } = await this.api.nodeInspect(id);
      return node.Spec?.Name || node.Description?.Hostname || id;
    });
  }

  /** The display name of service `id`. */
  service(id: string): Promise<string> {
    return this.resolve(id, async () => (await this.api.serviceInspect(id)).Spec?.Name ?? '');
  }

  private async resolve(id: string, lookup: () => Promise<string>): Promise<string> {
    if (this.noResolve) return id;
    const cached = this.cache.get(id);
    if (cached !== undefined) return cached;
    let name: string;
    try {
      name = id === '' ? id : await lookup();
    } catch {
      name = id;
    }
    this.cache.set(id, name);
    return name;
  }
}
