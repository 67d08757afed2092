import { InvalidArgumentError } from 'commander';

const SIZE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
  p: 1024 ** 5,
};

/**
 * A memory size flag (`--limit-memory 64M`) in bytes, read as docker's `RAMInBytes`: binary
 * units k, m, g, t, p (any case, optional `i` and `b`), a decimal number before them.
 */
export function memoryBytesFlag(value: string): number {
  const match = /^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(value);
  if (match === null) throw new InvalidArgumentError(`invalid size: '${value}'`);
  const unit = SIZE_UNITS[(match[2] ?? '').toLowerCase()] ?? 1;
  return Math.floor(Number(match[1]) * unit);
}

/**
 * A CPU count flag (`--limit-cpu 0.5`) in nano-CPUs, read as docker's `NanoCPUs.Set`: a
 * decimal or `a/b` rational, with at most nine decimal places.
 */
export function nanoCpusFlag(value: string): number {
  const fraction = /^(\d+)\/(\d+)$/.exec(value);
  const number = fraction
    ? Number(fraction[1]) / Number(fraction[2])
    : /^\d*\.?\d+$|^\d+\.$/.test(value)
      ? Number(value)
      : NaN;
  if (!Number.isFinite(number)) {
    throw new InvalidArgumentError(`failed to parse ${value} as a rational number`);
  }
  const nano = number * 1e9;
  if (Math.abs(nano - Math.round(nano)) > 1e-6) {
    throw new InvalidArgumentError('value is too precise');
  }
  return Math.round(nano);
}
