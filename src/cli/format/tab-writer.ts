/** The settings of Go's `tabwriter.NewWriter(out, minwidth, tabwidth, padding, ' ', 0)`. */
export interface TabWriterOptions {
  /** Minimal cell width, padding included. */
  readonly minWidth: number;
  /** Spaces added to the widest cell of a column. */
  readonly padding: number;
}

/** docker's table settings (`formatter.Context`): min width 10, padding 3. */
export const TABLE_LAYOUT: TabWriterOptions = { minWidth: 10, padding: 3 };

/**
 * The terminal width of `text`: East Asian wide and full-width characters count two, as
 * docker's tabwriter (go-runewidth) counts them; everything else one per code point.
 */
export function displayWidth(text: string): number {
  let width = 0;
  for (const c of text) width += isWide(c.codePointAt(0) ?? 0) ? 2 : 1;
  return width;
}

function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0x303e) ||
    (code >= 0x3041 && code <= 0x33ff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0xa000 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1f64f) ||
    (code >= 0x1f900 && code <= 0x1f9ff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}

/**
 * Aligns tab-terminated cells into columns exactly as Go's `text/tabwriter` (elastic
 * tabstops) does with a space pad character: a column is a run of consecutive lines that
 * all have a tab-terminated cell at that index; its width is the widest cell plus
 * `padding`, but at least `minWidth`; text after a line's last tab is not part of any
 * column and is never padded. Lines are separated by `\n`; the text after the last `\n`
 * is written without a newline, as the Go writer's Flush writes it. Pure.
 */
export function alignColumns(text: string, options: TabWriterOptions): string {
  const lines = text.split('\n').map((line) => line.split('\t'));
  const out: string[] = [];
  const widths: number[] = [];

  const writeLines = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      const cells = lines[i] ?? [];
      cells.forEach((cell, j) => {
        out.push(cell);
        const width = widths[j];
        if (width !== undefined) out.push(' '.repeat(Math.max(0, width - displayWidth(cell))));
      });
      if (i + 1 < lines.length) out.push('\n');
    }
  };

  const format = (lineFrom: number, lineTo: number): void => {
    const column = widths.length;
    let start = lineFrom;
    for (let at = lineFrom; at < lineTo; at++) {
      if (column >= (lines[at]?.length ?? 0) - 1) continue;
      writeLines(start, at);
      start = at;
      let width = options.minWidth;
      for (; at < lineTo; at++) {
        const cells = lines[at] ?? [];
        if (column >= cells.length - 1) break;
        width = Math.max(width, displayWidth(cells[column] ?? '') + options.padding);
      }
      widths.push(width);
      format(start, at);
      widths.pop();
      start = at;
    }
    writeLines(start, lineTo);
  };

  format(0, lines.length);
  return out.join('');
}
