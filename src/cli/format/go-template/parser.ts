import type { Command, Operand, Pipeline, Position, TemplateNode } from './ast.ts';
import { lexTemplate } from './lexer.ts';
import type { Token } from './lexer.ts';
import { TemplateError } from './template-error.ts';

/** Go template keywords shoal does not implement; using one is a clear parse error. */
const UNSUPPORTED = new Set(['define', 'template', 'block', 'break', 'continue']);
const CONTROL = new Set(['if', 'with', 'range', 'else', 'end', ...UNSUPPORTED]);

interface OpenBlock {
  readonly kind: 'if' | 'with' | 'range';
  readonly pipe: Pipeline;
  readonly list: TemplateNode[];
  elseList: TemplateNode[] | undefined;
  /** Opened by `{{else if}}`/`{{else with}}`: the parent's `{{end}}` closes it too. */
  readonly chained: boolean;
  readonly line: number;
}

/**
 * Parses a Go `text/template` into a tree. Supported: text, `{{pipeline}}`, variables
 * (`$x := ...`, `$x = ...`), `if`/`else if`/`else`, `with`, `range` (with `$i, $v :=`),
 * `end`, parenthesised pipelines, `|`, comments and trim markers. `functions` names the
 * functions that may be called; an unknown one is an error here, as in Go. Throws a
 * {@link TemplateError} naming the line for anything else, including `define`, `template`,
 * `block`, `break` and `continue`.
 */
export function parseTemplate(source: string, functions: ReadonlySet<string>): TemplateNode[] {
  const root: TemplateNode[] = [];
  const stack: OpenBlock[] = [];
  const target = (): TemplateNode[] => {
    const top = stack.at(-1);
    if (top === undefined) return root;
    return top.elseList ?? top.list;
  };
  for (const segment of lexTemplate(source)) {
    if (segment.kind === 'text') {
      target().push({ kind: 'text', text: segment.text });
      continue;
    }
    const stream = new TokenStream(segment.tokens, segment.line, functions);
    const first = segment.tokens[0];
    const keyword = first?.type === 'identifier' && CONTROL.has(first.value) ? first.value : '';
    if (keyword === '') {
      target().push({ kind: 'action', pipe: stream.pipeline(1, false) });
    } else {
      stream.next();
      control(keyword, stream, stack, target, segment.line);
    }
  }
  const open = stack.at(-1);
  if (open !== undefined) throw TemplateError.parse(open.line, 'unexpected EOF');
  return root;
}

function control(
  keyword: string,
  stream: TokenStream,
  stack: OpenBlock[],
  target: () => TemplateNode[],
  line: number,
): void {
  if (UNSUPPORTED.has(keyword)) {
    throw TemplateError.parse(line, `{{${keyword}}} is not supported in shoal templates`);
  }
  if (keyword === 'if' || keyword === 'with' || keyword === 'range') {
    const pipe = stream.pipeline(keyword === 'range' ? 2 : 1, true);
    stack.push({ kind: keyword, pipe, list: [], elseList: undefined, chained: false, line });
    return;
  }
  if (keyword === 'end') {
    stream.expectEnd('end');
    if (stack.length === 0) throw TemplateError.parse(line, 'unexpected {{end}}');
    let block: OpenBlock | undefined;
    do {
      block = stack.pop();
      if (block === undefined) break;
      const node: TemplateNode = {
        kind: block.kind,
        pipe: block.pipe,
        list: block.list,
        elseList: block.elseList,
      };
      target().push(node);
    } while (block.chained);
    return;
  }
  // else
  const top = stack.at(-1);
  if (top === undefined || top.elseList !== undefined) {
    throw TemplateError.parse(line, 'unexpected {{else}}');
  }
  top.elseList = [];
  const next = stream.peek();
  if (next === undefined) return;
  if (next.type !== 'identifier' || (next.value !== 'if' && next.value !== 'with')) {
    throw TemplateError.parse(line, `unexpected "${next.text}" in else`);
  }
  if (next.value !== top.kind && !(top.kind === 'if' && next.value === 'if')) {
    throw TemplateError.parse(line, `unexpected "${next.value}" in else`);
  }
  stream.next();
  const pipe = stream.pipeline(1, true);
  stack.push({ kind: next.value, pipe, list: [], elseList: undefined, chained: true, line });
}

/** A token as Go's parser names it in errors: `<.>` for dot and keywords, else quoted. */
function describe(token: Token): string {
  if (token.type === 'dot' || (token.type === 'identifier' && CONTROL.has(token.value))) {
    return `<${token.text}>`;
  }
  return JSON.stringify(token.text);
}

/** Reads the tokens of one action. */
class TokenStream {
  private index = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly line: number,
    private readonly functions: ReadonlySet<string>,
  ) {}

  peek(offset = 0): Token | undefined {
    return this.tokens[this.index + offset];
  }

  next(): Token | undefined {
    const token = this.tokens[this.index];
    this.index++;
    return token;
  }

  expectEnd(context: string): void {
    const extra = this.peek();
    if (extra !== undefined) throw this.error(`unexpected "${extra.text}" in ${context}`);
  }

  private error(message: string): TemplateError {
    return TemplateError.parse(this.peek()?.line ?? this.line, message);
  }

  private position(): Position {
    const token = this.peek();
    return { line: token?.line ?? this.line, col: token?.col ?? 0 };
  }

  /** A whole pipeline, which must use up the action (or stop at `)` when nested). */
  pipeline(maxDeclarations: number, control: boolean, nested = false): Pipeline {
    const position = this.position();
    const start = this.index;
    const { declarations, assign } = this.declarations(maxDeclarations);
    const commands: Command[] = [];
    for (;;) {
      commands.push(this.command(commands.length));
      const next = this.peek();
      if (next === undefined || (nested && next.type === 'rparen')) break;
      if (next.type !== 'pipe') throw this.error(`unexpected ${describe(next)} in operand`);
      this.next();
    }
    if (!nested) this.expectEnd(control ? 'control' : 'command');
    const source = this.tokens
      .slice(start, this.index)
      .map((t, i) => (i > 0 && t.spaceBefore ? ` ${t.text}` : t.text))
      .join('');
    return { declarations, assign, commands, position, source };
  }

  private declarations(max: number): { declarations: string[]; assign: boolean } {
    const t0 = this.peek();
    const t1 = this.peek(1);
    if (t0?.type !== 'variable') return { declarations: [], assign: false };
    if (t1?.type === 'declare' || t1?.type === 'assign') {
      this.index += 2;
      return { declarations: [t0.value], assign: t1.type === 'assign' };
    }
    const t2 = this.peek(2);
    const t3 = this.peek(3);
    if (t1?.type === 'comma' && t2?.type === 'variable' && t3?.type === 'declare') {
      if (max < 2) throw this.error('too many declarations in command');
      this.index += 4;
      return { declarations: [t0.value, t2.value], assign: false };
    }
    return { declarations: [], assign: false };
  }

  private command(stage: number): Command {
    const position = this.position();
    const start = this.index;
    const args: Operand[] = [];
    for (;;) {
      const next = this.peek();
      if (next === undefined || next.type === 'pipe' || next.type === 'rparen') break;
      // Go requires spaces between operands: `json.` is an error, not `json .`.
      if (args.length > 0 && !next.spaceBefore)
        throw this.error(`unexpected ${describe(next)} in operand`);
      args.push(this.operand());
    }
    const first = args[0];
    if (first === undefined) throw this.error('missing value for command');
    if (stage > 0 && ['string', 'number', 'bool', 'nil', 'dot'].includes(first.kind)) {
      throw this.error(`non executable command in pipeline stage ${stage + 1}`);
    }
    const source = this.tokens
      .slice(start, this.index)
      .map((t, i) => (i > 0 && t.spaceBefore ? ` ${t.text}` : t.text))
      .join('');
    return { args, position, source };
  }

  private operand(): Operand {
    const term = this.term();
    const names: string[] = [];
    let source = term.source;
    for (let t = this.peek(); t?.type === 'field' && !t.spaceBefore; t = this.peek()) {
      names.push(t.value);
      source += t.text;
      this.next();
    }
    if (names.length === 0) return term;
    switch (term.kind) {
      case 'field':
        return { kind: 'field', names: [...term.names, ...names], source };
      case 'variable':
        return { kind: 'variable', name: term.name, names: [...term.names, ...names], source };
      case 'chain':
        return { kind: 'chain', pipe: term.pipe, names: [...term.names, ...names], source };
      default:
        throw this.error(`unexpected . after term "${term.source}"`);
    }
  }

  private term(): Operand {
    const token = this.next();
    if (token === undefined) throw this.error('missing value for command');
    const source = token.text;
    switch (token.type) {
      case 'field':
        return { kind: 'field', names: [token.value], source };
      case 'dot':
        return { kind: 'dot', source };
      case 'variable':
        return { kind: 'variable', name: token.value, names: [], source };
      case 'string':
        return { kind: 'string', value: token.value, source };
      case 'number':
        return { kind: 'number', value: token.number ?? 0, source };
      case 'lparen': {
        const pipe = this.pipeline(1, false, true);
        if (this.next()?.type !== 'rparen') throw this.error('unclosed left paren');
        return { kind: 'chain', pipe, names: [], source: `(${pipe.source})` };
      }
      case 'identifier':
        return this.identifier(token);
      default:
        throw this.error(`unexpected "${token.text}" in operand`);
    }
  }

  private identifier(token: Token): Operand {
    const source = token.text;
    if (token.value === 'true' || token.value === 'false') {
      return { kind: 'bool', value: token.value === 'true', source };
    }
    if (token.value === 'nil') return { kind: 'nil', source };
    if (CONTROL.has(token.value)) throw this.error(`unexpected <${token.value}> in command`);
    if (!this.functions.has(token.value)) throw this.error(`function "${token.value}" not defined`);
    return { kind: 'function', name: token.value, source };
  }
}
