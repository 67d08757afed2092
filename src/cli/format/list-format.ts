import { GoTemplate, TemplateError } from './go-template/go-template.ts';
import type { FunctionMap } from './go-template/go-template.ts';
import { headerFunctions } from './go-template/template-functions.ts';
import { alignColumns, TABLE_LAYOUT } from './tab-writer.ts';

/** `--format table`: the command's default table. */
export const TABLE_FORMAT = 'table';
/** `--format raw`: the command's `key: value` form. */
export const RAW_FORMAT = 'raw';
/** `--format pretty` (inspect commands): the command's human-readable layout. */
export const PRETTY_FORMAT = 'pretty';
/** `--format json`: one JSON object per row. */
export const JSON_FORMAT = 'json';
/** What `-q` prints for most lists. */
export const QUIET_FORMAT = '{{.ID}}';

/** Whether `format` is a table format (`table` or `table {{...}}`): it gets a header and aligned columns. */
export function isTableFormat(format: string): boolean {
  return format.startsWith(TABLE_FORMAT);
}

/**
 * The template text of a `--format` value, as docker's `Format.templateString` makes it:
 * `json` becomes `{{json .}}`, a `table` prefix is dropped, surrounding spaces are trimmed,
 * and the two-character escapes `\t` and `\n` become a tab and a newline.
 */
export function templateText(format: string): string {
  if (format === TABLE_FORMAT) return '';
  if (format === JSON_FORMAT) return '{{json .}}';
  const body = isTableFormat(format) ? format.slice(TABLE_FORMAT.length) : format;
  return body
    .replace(/^ +| +$/g, '')
    .replaceAll('\\t', '\t')
    .replaceAll('\\n', '\n');
}

/** An error docker reports as "template parsing error: ..." (parse and execution alike). */
export class FormatError extends Error {
  override readonly name = 'FormatError';

  constructor(cause: TemplateError) {
    super(`template parsing error: ${cause.message}`, { cause });
  }
}

/**
 * Parses a `--format` value into a template (see {@link templateText}). Throws
 * {@link FormatError}.
 */
export function parseFormat(format: string, extra: FunctionMap = {}): GoTemplate {
  try {
    return GoTemplate.parse(templateText(format), extra);
  } catch (err) {
    if (err instanceof TemplateError) throw new FormatError(err);
    throw err;
  }
}

/**
 * Renders a list the way docker's `formatter.Context.Write` does: the template runs once
 * per row, each followed by a newline. For a table format, the header row comes first —
 * the same template run over `header` (column names by field) with docker's header
 * functions, keeping whatever it printed even if it failed — and the whole text is aligned
 * by the tab writer (min width 10, padding 3). Throws {@link FormatError} for a bad
 * template or a row it cannot render; nothing is returned then, as docker prints nothing.
 */
export function renderList(
  format: string,
  header: Readonly<Record<string, string>>,
  rows: readonly unknown[],
): string {
  const template = parseFormat(format);
  let body = '';
  for (const row of rows) {
    try {
      body += `${template.execute(row)}\n`;
    } catch (err) {
      if (err instanceof TemplateError) throw new FormatError(err);
      throw err;
    }
  }
  if (!isTableFormat(format)) return body;
  const heading = template.executePartial(header, { overrides: headerFunctions }).output;
  return alignColumns(`${heading}\n${body}`, TABLE_LAYOUT);
}

/**
 * Renders one object with a non-table template (inspect `--format`, `--pretty`): the
 * template's output followed by a newline. Throws {@link FormatError}.
 */
export function renderOne(template: GoTemplate, data: unknown): string {
  try {
    return `${template.execute(data)}\n`;
  } catch (err) {
    if (err instanceof TemplateError) throw new FormatError(err);
    throw err;
  }
}
