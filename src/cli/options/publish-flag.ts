import { InvalidArgumentError } from 'commander';
import type { PortConfig, PortProtocol, PublishMode } from '../../api/objects/service-spec.ts';
import { PORT_PROTOCOLS, PUBLISH_MODES } from '../../api/objects/service-spec.ts';
import { splitCsv } from './mount-flag.ts';

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * One `-p/--publish` value as docker's `PortOpt` reads it: the short form
 * `[published:]target[/protocol]` (ranges as `8080-8081:80-81`) or the long form
 * `published=8080,target=80,protocol=udp,mode=host`. Repeatable.
 */
export function publishFlag(
  value: string,
  previous: readonly PortConfig[] | undefined,
): PortConfig[] {
  const ports = value.includes('=') ? [longForm(value)] : shortForm(value);
  return [...(previous ?? []), ...ports];
}

function longForm(value: string): PortConfig {
  const port: Writable<PortConfig> = { Protocol: 'tcp', PublishMode: 'ingress' };
  for (const field of splitCsv(value)) {
    const at = field.indexOf('=');
    if (at < 0) throw new InvalidArgumentError(`invalid field ${field}`);
    const key = field.slice(0, at).toLowerCase();
    const val = field.slice(at + 1);
    switch (key) {
      case 'mode':
        if (!(PUBLISH_MODES as readonly string[]).includes(val)) {
          throw new InvalidArgumentError(
            `invalid publish mode value (${val}): must be either "ingress" or "host"`,
          );
        }
        port.PublishMode = val as PublishMode;
        break;
      case 'target':
        port.TargetPort = portNumber(val, value);
        break;
      case 'published':
        port.PublishedPort = portNumber(val, value);
        break;
      case 'protocol':
        port.Protocol = protocol(val);
        break;
      default:
        throw new InvalidArgumentError(`invalid field key ${key}`);
    }
  }
  if (port.TargetPort === undefined || port.TargetPort === 0) {
    throw new InvalidArgumentError(`missing mandatory field "target"`);
  }
  return port;
}

function shortForm(value: string): PortConfig[] {
  const [spec = '', proto = 'tcp'] = value.split('/');
  const parts = spec.split(':');
  if (parts.length > 2 || spec === '') {
    throw new InvalidArgumentError(
      `invalid publish opts format (should be name=value but got '${value}')`,
    );
  }
  const targets = range(parts[parts.length - 1] ?? '', value);
  const published = parts.length === 2 ? range(parts[0] ?? '', value) : undefined;
  if (published !== undefined && published.length !== targets.length) {
    throw new InvalidArgumentError(
      `invalid ranges specified for container and host Ports: ${value}`,
    );
  }
  return targets.map((target, i) => ({
    Protocol: protocol(proto),
    TargetPort: target,
    ...(published === undefined ? {} : { PublishedPort: published[i] }),
    PublishMode: 'ingress',
  }));
}

function range(text: string, whole: string): number[] {
  const [from = '', to] = text.split('-');
  const start = portNumber(from, whole);
  const end = to === undefined ? start : portNumber(to, whole);
  if (end < start) throw new InvalidArgumentError(`invalid range specified for port: ${whole}`);
  return Array.from({ length: end - start + 1 }, (_, i) => start + i);
}

function portNumber(text: string, whole: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535) throw new InvalidArgumentError(`invalid port: ${whole}`);
  return n;
}

function protocol(text: string): PortProtocol {
  const lower = text.toLowerCase();
  if (!(PORT_PROTOCOLS as readonly string[]).includes(lower)) {
    throw new InvalidArgumentError(`invalid protocol '${text}' for ${text}`);
  }
  return lower as PortProtocol;
}
