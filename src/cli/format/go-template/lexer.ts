import { TemplateError } from './template-error.ts';

/** The kinds of token found inside `{{ }}`. */
export type TokenType =
  | 'field'
  | 'dot'
  | 'variable'
  | 'identifier'
  | 'string'
  | 'number'
  | 'pipe'
  | 'lparen'
  | 'rparen'
  | 'declare'
  | 'assign'
  | 'comma';

/** One token of an action. `value` is the decoded text (a field's name without its dot). */
export interface Token {
  readonly type: TokenType;
  readonly value: string;
  readonly number?: number;
  /** The token as written. */
  readonly text: string;
  readonly line: number;
  readonly col: number;
  /** Whether whitespace separates it from the previous token (`.A .B` versus `.A.B`). */
  readonly spaceBefore: boolean;
}

/** Plain text, or the tokens of one `{{ }}` action (comments are dropped). */
export type Segment =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'action'; readonly tokens: readonly Token[]; readonly line: number };

const isSpace = (c: string | undefined): boolean =>
  c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isAlnum = (c: string | undefined): boolean => c !== undefined && /^[\p{L}\p{N}_]$/u.test(c);
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/**
 * Splits a template into text and action segments, applying Go's trim markers (`{{- ` eats
 * the whitespace before, ` -}}` the whitespace after) and dropping `{{/* comments *\/}}`.
 * Throws a {@link TemplateError} for an unclosed action or a character Go rejects.
 */
export function lexTemplate(source: string): Segment[] {
  return new Lexer(source).run();
}

class Lexer {
  private pos = 0;
  private line = 1;
  private lineStart = 0;
  private readonly segments: Segment[] = [];

  constructor(private readonly src: string) {}

  run(): Segment[] {
    let trimNext = false;
    while (this.pos < this.src.length) {
      const open = this.src.indexOf('{{', this.pos);
      let text = this.src.slice(this.pos, open < 0 ? undefined : open);
      if (trimNext) text = text.replace(/^[ \t\r\n]+/, '');
      this.advanceTo(open < 0 ? this.src.length : open);
      if (open < 0) {
        this.pushText(text);
        break;
      }
      this.pos += 2;
      if (this.src[this.pos] === '-' && isSpace(this.src[this.pos + 1])) {
        text = text.replace(/[ \t\r\n]+$/, '');
        this.pos += 2;
      }
      this.pushText(text);
      trimNext = this.action();
    }
    return this.segments;
  }

  private pushText(text: string): void {
    if (text !== '') this.segments.push({ kind: 'text', text });
  }

  /** Moves to `to`, keeping the line count. */
  private advanceTo(to: number): void {
    for (let i = this.pos; i < to; i++) {
      if (this.src[i] === '\n') {
        this.line++;
        this.lineStart = i + 1;
      }
    }
    this.pos = to;
  }

  /** Lexes one action up to and including `}}`; returns whether it ended with ` -}}`. */
  private action(): boolean {
    const startLine = this.line;
    if (this.src.startsWith('/*', this.skipSpaceFrom(this.pos))) return this.comment();
    const tokens: Token[] = [];
    let spaceBefore = false;
    for (;;) {
      if (this.pos >= this.src.length) throw TemplateError.parse(startLine, 'unclosed action');
      const c = this.src[this.pos];
      if (this.src.startsWith('}}', this.pos)) {
        this.pos += 2;
        this.segments.push({ kind: 'action', tokens, line: startLine });
        return false;
      }
      if (isSpace(c)) {
        this.advanceTo(this.pos + 1);
        if (this.src.startsWith('-}}', this.pos)) {
          this.pos += 3;
          this.segments.push({ kind: 'action', tokens, line: startLine });
          return true;
        }
        spaceBefore = true;
        continue;
      }
      tokens.push(this.token(spaceBefore));
      spaceBefore = false;
    }
  }

  private skipSpaceFrom(at: number): number {
    let p = at;
    while (isSpace(this.src[p])) p++;
    return p;
  }

  private comment(): boolean {
    const startLine = this.line;
    const end = this.src.indexOf('*/', this.pos);
    if (end < 0) throw TemplateError.parse(startLine, 'unclosed comment');
    this.advanceTo(end + 2);
    if (this.src.startsWith('}}', this.pos)) {
      this.pos += 2;
      return false;
    }
    if (this.src.startsWith(' -}}', this.pos)) {
      this.pos += 4;
      return true;
    }
    throw TemplateError.parse(startLine, 'comment ends before closing delimiter');
  }

  private make(type: TokenType, start: number, value: string, space: boolean): Token {
    return {
      type,
      value,
      text: this.src.slice(start, this.pos),
      line: this.line,
      col: start - this.lineStart,
      spaceBefore: space,
    };
  }

  private token(space: boolean): Token {
    const start = this.pos;
    const c = this.src[this.pos] ?? '';
    const simple: Record<string, TokenType> = { '|': 'pipe', '(': 'lparen', ')': 'rparen' };
    const simpleType = simple[c];
    if (simpleType !== undefined || c === ',' || c === '=') {
      this.pos++;
      return this.make(simpleType ?? (c === ',' ? 'comma' : 'assign'), start, c, space);
    }
    if (c === ':' && this.src[this.pos + 1] === '=') {
      this.pos += 2;
      return this.make('declare', start, ':=', space);
    }
    if (c === '"' || c === '`' || c === "'") return this.quoted(start, c, space);
    if (c === '.' && !isDigit(this.src[this.pos + 1])) {
      this.pos++;
      if (!isAlnum(this.src[this.pos])) return this.make('dot', start, '.', space);
      return this.make('field', start, this.word(), space);
    }
    if (c === '$') {
      this.pos++;
      return this.make('variable', start, `$${this.word()}`, space);
    }
    if (
      isDigit(c) ||
      c === '.' ||
      ((c === '-' || c === '+') && /[0-9.]/.test(this.src[this.pos + 1] ?? ''))
    ) {
      return this.numberToken(start, space);
    }
    if (isAlnum(c)) return this.make('identifier', start, this.word(), space);
    const code = c.codePointAt(0) ?? 0;
    const hex = code.toString(16).toUpperCase().padStart(4, '0');
    throw TemplateError.parse(this.line, `unrecognized character in action: U+${hex} '${c}'`);
  }

  private word(): string {
    const start = this.pos;
    while (isAlnum(this.src[this.pos])) this.pos++;
    const next = this.src[this.pos];
    // Go lexes a word only when a terminator follows it: `.Labels"k"` is an error.
    if (
      next !== undefined &&
      !isSpace(next) &&
      !'.,|:()'.includes(next) &&
      !this.src.startsWith('}}', this.pos)
    ) {
      const hex = (next.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
      throw TemplateError.parse(this.line, `bad character U+${hex} '${next}'`);
    }
    return this.src.slice(start, this.pos);
  }

  private numberToken(start: number, space: boolean): Token {
    const match = /^[+-]?(0[xX][0-9a-fA-F_]+|(\d[\d_]*)?\.?[\d_]*([eE][+-]?\d+)?)/.exec(
      this.src.slice(this.pos),
    );
    const text = match?.[0] ?? '';
    this.pos += text.length;
    const value = Number(text.replaceAll('_', ''));
    if (text === '' || Number.isNaN(value) || isAlnum(this.src[this.pos])) {
      throw TemplateError.parse(this.line, `bad number syntax: "${text}${this.word()}"`);
    }
    return { ...this.make('number', start, text, space), number: value };
  }

  private quoted(start: number, quote: string, space: boolean): Token {
    this.pos++;
    let value = '';
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined || (c === '\n' && quote !== '`')) {
        throw TemplateError.parse(
          this.line,
          quote === "'" ? 'unterminated character constant' : 'unterminated quoted string',
        );
      }
      this.advanceTo(this.pos + 1);
      if (c === quote) break;
      if (c === '\\' && quote !== '`') {
        value += this.escape();
        continue;
      }
      value += c;
    }
    if (quote !== "'") return this.make('string', start, value, space);
    const code = value.codePointAt(0);
    if (code === undefined || [...value].length !== 1) {
      throw TemplateError.parse(
        this.line,
        `malformed character constant: ${this.src.slice(start, this.pos)}`,
      );
    }
    return { ...this.make('number', start, value, space), number: code };
  }

  /** Decodes the escape after a backslash, as Go's strconv.Unquote does. */
  private escape(): string {
    const c = this.src[this.pos] ?? '';
    this.pos++;
    const simple: Record<string, string> = {
      a: '\x07',
      b: '\b',
      f: '\f',
      n: '\n',
      r: '\r',
      t: '\t',
      v: '\v',
      '\\': '\\',
      '"': '"',
      "'": "'",
    };
    const mapped = simple[c];
    if (mapped !== undefined) return mapped;
    const digits = { x: 2, u: 4, U: 8 }[c];
    if (digits !== undefined || /[0-7]/.test(c)) {
      const count = digits ?? 2;
      const text =
        digits === undefined
          ? c + this.src.slice(this.pos, this.pos + count)
          : this.src.slice(this.pos, this.pos + count);
      this.pos += count;
      const code = parseInt(text, digits === undefined ? 8 : 16);
      if (!Number.isNaN(code)) return String.fromCodePoint(code);
    }
    throw TemplateError.parse(this.line, `invalid syntax in quoted string: \\${c}`);
  }
}
