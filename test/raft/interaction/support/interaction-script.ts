/**
 * One command of an interaction script with the comment lines above it and the output
 * expected below it.
 */
export interface ScriptBlock {
  readonly comments: readonly string[];
  readonly command: string;
  /** 1-based line of the command in its file, for error messages. */
  readonly line: number;
  readonly expected: string;
}

const SEPARATOR = '----';

/**
 * Parses an interaction script. A block is a command line, a `----` line, and the
 * expected output up to the next blank line (so output never contains blank lines).
 * Lines starting with `#` before a command are comments, kept for rewriting.
 * Throws on a command without its separator.
 */
export function parseScript(text: string): ScriptBlock[] {
  const lines = text.split('\n');
  const blocks: ScriptBlock[] = [];
  let comments: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    if (line.trim() === '') {
      i++;
      continue;
    }
    if (line.startsWith('#')) {
      comments.push(line);
      i++;
      continue;
    }
    const commandLine = i + 1;
    if (lines[i + 1] !== SEPARATOR) {
      throw new Error(`line ${commandLine}: expected '${SEPARATOR}' after command '${line}'`);
    }
    i += 2;
    const output: string[] = [];
    while (i < lines.length && (lines[i] ?? '') !== '') output.push(lines[i++] ?? '');
    blocks.push({ comments, command: line, line: commandLine, expected: output.join('\n') });
    comments = [];
  }
  return blocks;
}

/** Writes blocks back in the format {@link parseScript} reads, with `outputs` as output. */
export function formatScript(blocks: readonly ScriptBlock[], outputs: readonly string[]): string {
  const parts = blocks.map((b, i) =>
    [...b.comments, b.command, SEPARATOR, outputs[i] ?? ''].join('\n'),
  );
  return `${parts.join('\n\n')}\n`;
}
