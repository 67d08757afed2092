import type { EndpointSpec, PortConfig } from '../objects/service-spec.ts';
import { PORT_PROTOCOLS, PUBLISH_MODES, RESOLUTION_MODES } from '../objects/service-spec.ts';
import type { Problem } from './spec-error.ts';
import { checkOneOf, firstProblem, given, isNonNegativeInteger, specError } from './spec-error.ts';

function checkPortNumber(field: string, value: unknown): Problem {
  if (value === undefined || (isNonNegativeInteger(value) && value <= 65535)) return undefined;
  return specError(
    field,
    `${field} must be a port number from 0 to 65535, not ${JSON.stringify(value)}`,
  );
}

function checkPort(port: PortConfig, field: string): Problem {
  return firstProblem([
    () =>
      checkOneOf(
        `${field}.Protocol`,
        given(port.Protocol),
        PORT_PROTOCOLS,
        (v) =>
          `invalid protocol ${JSON.stringify(v)} for port ${String(port.TargetPort)}: use tcp, udp or sctp`,
      ),
    () =>
      checkOneOf(
        `${field}.PublishMode`,
        given(port.PublishMode),
        PUBLISH_MODES,
        (v) => `invalid publish mode ${JSON.stringify(v)}: use ingress or host`,
      ),
    () => checkPortNumber(`${field}.TargetPort`, port.TargetPort),
    () => checkPortNumber(`${field}.PublishedPort`, port.PublishedPort),
  ]);
}

function checkPorts(endpoint: EndpointSpec): Problem {
  const published = new Set<string>();
  for (const [i, port] of (endpoint.Ports ?? []).entries()) {
    const field = `EndpointSpec.Ports[${i}]`;
    const problem = checkPort(port, field);
    if (problem !== undefined) return problem;
    // An unset publish mode means ingress, so it clashes with dnsrr too.
    if (endpoint.Mode === 'dnsrr' && (given(port.PublishMode) ?? 'ingress') === 'ingress') {
      return specError(
        field,
        "EndpointSpec: port published with ingress mode can't be used with dnsrr mode",
      );
    }
    if (port.PublishedPort === undefined || port.PublishedPort === 0) continue;
    const key = `${port.PublishedPort}/${JSON.stringify(given(port.Protocol) ?? 'tcp')}`;
    if (published.has(key)) {
      return specError(
        `${field}.PublishedPort`,
        'EndpointSpec: duplicate published ports provided',
      );
    }
    published.add(key);
  }
  return undefined;
}

/**
 * Checks an endpoint spec: mode `vip` or `dnsrr` (Docker's `invalid resolution mode`),
 * ports with a known protocol and publish mode and numbers in range, no ingress port with
 * `dnsrr`, and no published port twice for one protocol (Docker's messages for the last
 * two). Whether a published port is free cluster-wide is the allocator's question.
 */
export function validateEndpointSpec(endpoint: EndpointSpec | undefined): Problem {
  if (endpoint === undefined) return undefined;
  return firstProblem([
    () =>
      checkOneOf(
        'EndpointSpec.Mode',
        given(endpoint.Mode),
        RESOLUTION_MODES,
        (v) => `invalid resolution mode: ${JSON.stringify(v)}`,
      ),
    () => checkPorts(endpoint),
  ]);
}
