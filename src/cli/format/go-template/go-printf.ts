import { EvaluationError } from './template-error.ts';
import { formatValue, goTypeName } from './values.ts';

/**
 * A subset of Go's `fmt.Sprintf` for the `printf` template function: verbs `%v %s %d %q %t
 * %x %f %%`, with flags `-` (left-justify) and `0` (zero-pad), a width, and a precision for
 * `%f` and `%s`. Missing operands print `%!v(MISSING)` and extra ones `%!(EXTRA ...)`, as
 * Go's do; any other verb is an error naming it.
 */
export function goSprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let next = 0;
  const spec = /%([-0+ #]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/y;
  for (let i = 0; i < format.length;) {
    if (format[i] !== '%') {
      out += format[i];
      i++;
      continue;
    }
    spec.lastIndex = i;
    const match = spec.exec(format);
    if (match === null) {
      out += '%!(NOVERB)';
      break;
    }
    i = spec.lastIndex;
    const [, flags = '', width, precision, verb = ''] = match;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (next >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const text = formatVerb(
      verb,
      args[next],
      precision === undefined ? undefined : Number(precision),
    );
    next++;
    out += pad(text, width === undefined ? 0 : Number(width), flags);
  }
  if (next < args.length) {
    const extra = args.slice(next).map((a) => `${goTypeName(a)}=${formatValue(a)}`);
    out += `%!(EXTRA ${extra.join(', ')})`;
  }
  return out;
}

function formatVerb(verb: string, value: unknown, precision: number | undefined): string {
  switch (verb) {
    case 'v':
      return formatValue(value);
    case 's': {
      const text = formatValue(value);
      return precision === undefined ? text : [...text].slice(0, precision).join('');
    }
    case 'q':
      return typeof value === 'string'
        ? JSON.stringify(value)
        : `%!q(${goTypeName(value)}=${formatValue(value)})`;
    case 'd':
      return typeof value === 'number' && Number.isInteger(value)
        ? String(value)
        : `%!d(${goTypeName(value)}=${formatValue(value)})`;
    case 't':
      return typeof value === 'boolean'
        ? String(value)
        : `%!t(${goTypeName(value)}=${formatValue(value)})`;
    case 'x':
      if (typeof value === 'number' && Number.isInteger(value)) return value.toString(16);
      if (typeof value === 'string') return Buffer.from(value, 'utf8').toString('hex');
      return `%!x(${goTypeName(value)}=${formatValue(value)})`;
    case 'f':
      return typeof value === 'number'
        ? value.toFixed(precision ?? 6)
        : `%!f(${goTypeName(value)}=${formatValue(value)})`;
    default:
      throw new EvaluationError(`printf verb %${verb} is not supported in shoal templates`);
  }
}

function pad(text: string, width: number, flags: string): string {
  const length = [...text].length;
  if (length >= width) return text;
  const fill = width - length;
  if (flags.includes('-')) return text + ' '.repeat(fill);
  if (flags.includes('0') && /^-?\d/.test(text)) {
    const sign = text.startsWith('-') ? '-' : '';
    return sign + '0'.repeat(fill) + text.slice(sign.length);
  }
  return ' '.repeat(fill) + text;
}
