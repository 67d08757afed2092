const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'] as const;

/**
 * A size in bytes with binary units and four significant digits, as docker's
 * `units.BytesSize` writes it: `20MiB`, `1.5GiB`, `512B`, `1.953KiB`. Pure.
 */
export function bytesSize(bytes: number): string {
  let size = bytes;
  let unit = 0;
  while (size >= 1024 && unit < BINARY_UNITS.length - 1) {
    size /= 1024;
    unit++;
  }
  return `${goFormatG4(size)}${BINARY_UNITS[unit] ?? ''}`;
}

/** Go's `%.4g`: four significant digits, trailing zeros dropped, exponent when tiny or huge. */
function goFormatG4(value: number): string {
  if (value === 0) return '0';
  const exponent = Math.floor(Math.log10(Math.abs(value)));
  if (exponent < -4 || exponent >= 4) {
    const [mantissa = '', exp = '0'] = value.toExponential(3).split('e');
    const digits = mantissa.replace(/\.?0+$/, '');
    const n = Number(exp);
    return `${digits}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  return String(Number(value.toPrecision(4)));
}
