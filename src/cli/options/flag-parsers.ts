import { InvalidArgumentError } from 'commander';
import { parseGoDuration } from '../format/go-duration.ts';

/**
 * commander argument parsers that accept what pflag accepts and fail with pflag's reasons
 * (the command turns them into `invalid argument "x" for "--flag" flag: <reason>`).
 */

/** A Go duration flag (`--cert-expiry 90h`), in nanoseconds. */
export function durationFlag(value: string): number {
  try {
    return parseGoDuration(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

/** An `int64` flag, parsed as Go's `strconv.ParseInt(value, 0, 64)`. */
export function intFlag(value: string): number {
  return integer(value, 'ParseInt', true);
}

/** A `uint64`/`uint32` flag, parsed as Go's `strconv.ParseUint(value, 0, 64)`. */
export function uintFlag(value: string): number {
  return integer(value, 'ParseUint', false);
}

function integer(value: string, fn: string, signed: boolean): number {
  const pattern = signed
    ? /^[+-]?(0[xX][0-9a-fA-F_]+|0[oO]?[0-7_]*|0[bB][01_]+|[1-9][0-9_]*)$/
    : /^(0[xX][0-9a-fA-F_]+|0[oO]?[0-7_]*|0[bB][01_]+|[1-9][0-9_]*)$/;
  if (!pattern.test(value)) {
    throw new InvalidArgumentError(`strconv.${fn}: parsing "${value}": invalid syntax`);
  }
  const negative = value.startsWith('-');
  const body = value.replace(/^[+-]/, '').replaceAll('_', '');
  const parsed = /^0[0-7]+$/.test(body) ? parseInt(body, 8) : Number(body.replace(/^0[oO]/, '0o'));
  if (!Number.isSafeInteger(parsed)) {
    throw new InvalidArgumentError(`strconv.${fn}: parsing "${value}": value out of range`);
  }
  return negative ? -parsed : parsed;
}

/** A repeatable string flag (`--label-add a=b --label-add c`); values keep their order. */
export function collect(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** pflag's `StringSlice`-style repeatable flag: each value may hold several, comma-separated. */
export function collectCommaSeparated(
  value: string,
  previous: readonly string[] | undefined,
): string[] {
  return [...(previous ?? []), ...value.split(',').map((v) => v.trim())];
}

/**
 * A CIDR flag value (pflag's `IPNetSlice`), comma-separated values allowed. Each becomes
 * its network address, as Go's `net.ParseCIDR` gives it (`10.20.1.0/16` → `10.20.0.0/16`).
 */
export function cidrListFlag(value: string, previous: readonly string[] | undefined): string[] {
  const parsed = value.split(',').map((item) => {
    const cidr = item.trim();
    const network = ipv4Network(cidr) ?? ipv6Cidr(cidr);
    if (network === undefined) throw new InvalidArgumentError(`invalid CIDR address: ${cidr}`);
    return network;
  });
  return [...(previous ?? []), ...parsed];
}

function ipv4Network(cidr: string): string | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (match === null) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const bits = Number(match[5]);
  if (octets.some((o) => o > 255) || bits > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const mask = bits === 0 ? 0 : 0xffffffff - (2 ** (32 - bits) - 1);
  const network = (address & mask) >>> 0;
  const parts = [24, 16, 8, 0].map((shift) => (network >>> shift) & 255);
  return `${parts.join('.')}/${bits}`;
}

function ipv6Cidr(cidr: string): string | undefined {
  const match = /^([0-9a-fA-F:]+)\/(\d{1,3})$/.exec(cidr);
  if (match === null || !(match[1] ?? '').includes(':') || Number(match[2]) > 128) return undefined;
  return cidr.toLowerCase();
}
