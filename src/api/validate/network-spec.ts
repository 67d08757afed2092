import type { IPAMConfig, NetworkSpec } from '../objects/network.ts';
import { cidrContains, parseCidr, parseIp } from './cidr.ts';
import { checkLabels } from './labels.ts';
import { validateDnsName } from './names.ts';
import type { Problem } from './spec-error.ts';
import { firstProblem, specError } from './spec-error.ts';

/** The label Swarm reserves for the networks it creates itself (`bridge`, `host`). */
export const PREDEFINED_NETWORK_LABEL = 'com.docker.swarm.predefined';

function checkPool(pool: IPAMConfig, field: string): Problem {
  const subnet = parseCidr(pool.Subnet ?? '');
  if (subnet === undefined) {
    return specError(`${field}.Subnet`, `ipam configuration: invalid subnet ${pool.Subnet ?? ''}`);
  }
  if (pool.Range !== undefined && pool.Range !== '') {
    const range = parseCidr(pool.Range);
    if (range === undefined) {
      return specError(`${field}.Range`, `ipam configuration: invalid range ${pool.Range}`);
    }
    if (!cidrContains(subnet, range.address)) {
      return specError(
        `${field}.Range`,
        `ipam configuration: subnet ${pool.Subnet ?? ''} does not contain range ${pool.Range}`,
      );
    }
  }
  if (pool.Gateway !== undefined && pool.Gateway !== '') {
    const gateway = parseIp(pool.Gateway);
    if (gateway === undefined) {
      return specError(`${field}.Gateway`, `ipam configuration: invalid gateway ${pool.Gateway}`);
    }
    if (!cidrContains(subnet, gateway)) {
      return specError(
        `${field}.Gateway`,
        `ipam configuration: subnet ${pool.Subnet ?? ''} does not contain gateway ${pool.Gateway}`,
      );
    }
  }
  return undefined;
}

/**
 * Checks a cluster network spec, with Swarm's messages: an ingress network cannot be
 * attachable; the name follows the service name rules; users may not set the
 * predefined-network label; each IPAM pool has a valid subnet containing its range and
 * gateway. Whether the driver exists and the ingress network is unique need the node and
 * the store, and are checked elsewhere.
 */
export function validateNetworkSpec(spec: NetworkSpec): Problem {
  return firstProblem([
    () =>
      spec.Attachable === true && spec.Ingress === true
        ? specError('Attachable', 'ingress network cannot be attachable')
        : undefined,
    () => validateDnsName(spec.Name),
    () => checkLabels('Labels', spec.Labels),
    () =>
      spec.Labels !== undefined && PREDEFINED_NETWORK_LABEL in spec.Labels
        ? specError(
            'Labels',
            `label ${PREDEFINED_NETWORK_LABEL} is for internally created predefined networks and cannot be applied by users`,
          )
        : undefined,
    () => {
      for (const [i, pool] of (spec.IPAMOptions?.Configs ?? []).entries()) {
        const problem = checkPool(pool, `IPAMOptions.Configs[${i}]`);
        if (problem !== undefined) return problem;
      }
      return undefined;
    },
  ]);
}
