import type { Service } from '../../api/objects/service.ts';
import type { PortConfig, ServiceSpec } from '../../api/objects/service-spec.ts';
import type { Problem } from '../../api/validate/spec-error.ts';
import { portInUse } from './service-errors.ts';

function portKey(port: PortConfig): string {
  return `${port.PublishedPort ?? 0}/${port.Protocol || 'tcp'}`;
}

/**
 * Checks the published ports of `spec` against every other service, as Swarm does before a
 * create or an endpoint change: an ingress port may not be published by anyone else in any
 * mode, and a host port may not be another service's ingress port (host ports may repeat
 * across services: the scheduler keeps them on different nodes). Ports are compared by number
 * and protocol, over the other services' requested ports and the ports the allocator gave
 * them. `selfId` is the service being updated (skipped), `''` for a create. Returns Docker's
 * 400 ("port '8080' is already in use by service 'web' (<id>) as an ingress port").
 */
export function checkPortConflicts(
  spec: ServiceSpec,
  selfId: string,
  others: readonly Service[],
): Problem {
  const ingress = new Set<string>();
  const host = new Set<string>();
  for (const port of spec.EndpointSpec?.Ports ?? []) {
    if (!port.PublishedPort) continue;
    (port.PublishMode === 'host' ? host : ingress).add(portKey(port));
  }
  if (ingress.size === 0 && host.size === 0) return undefined;
  for (const other of others) {
    if (other.id === selfId) continue;
    const taken = [...(other.Spec.EndpointSpec?.Ports ?? []), ...(other.Endpoint?.Ports ?? [])];
    for (const port of taken) {
      if (!port.PublishedPort) continue;
      const key = portKey(port);
      const owner = { name: other.Spec.Name ?? '', id: other.id };
      // Named for how the *other* service holds the port, as Swarm's message is.
      if (port.PublishMode === 'host' && ingress.has(key)) {
        return portInUse(port.PublishedPort, owner, 'host');
      }
      if (port.PublishMode !== 'host' && (ingress.has(key) || host.has(key))) {
        return portInUse(port.PublishedPort, owner, 'ingress');
      }
    }
  }
  return undefined;
}
