import type { Command, Operand, Pipeline, TemplateNode } from './ast.ts';
import type { FunctionMap } from './template-functions.ts';
import { EvaluationError, TemplateError } from './template-error.ts';
import { fieldOf, formatValue, isMap, isTruthy } from './values.ts';

/** How an execution treats data: its functions and what a missing map key does. */
export interface ExecutionOptions {
  readonly functions: FunctionMap;
  /** Go's `missingkey=error`: a missing map key fails instead of giving `<no value>`. */
  readonly missingKeyError: boolean;
}

interface Variable {
  readonly name: string;
  value: unknown;
}

/** Marks "no piped value" so a pipeline's first command gets no extra argument. */
const NO_FINAL = Symbol('noFinal');
type Final = unknown;

/**
 * Runs a parsed template over `data`, appending output to `out` as it goes, so a caller can
 * keep what was written before an error (docker prints a table header that way). Throws a
 * {@link TemplateError} positioned at the failing node.
 */
export function executeTemplate(
  nodes: readonly TemplateNode[],
  data: unknown,
  options: ExecutionOptions,
  out: string[],
): void {
  new Executor(options, out, data).walkList(nodes, data);
}

class Executor {
  private readonly vars: Variable[];

  constructor(
    private readonly options: ExecutionOptions,
    private readonly out: string[],
    root: unknown,
  ) {
    this.vars = [{ name: '$', value: root }];
  }

  walkList(nodes: readonly TemplateNode[], dot: unknown): void {
    for (const node of nodes) this.walk(node, dot);
  }

  private walk(node: TemplateNode, dot: unknown): void {
    const mark = this.vars.length;
    switch (node.kind) {
      case 'text':
        this.out.push(node.text);
        return;
      case 'action': {
        const value = this.pipeline(node.pipe, dot);
        if (node.pipe.declarations.length === 0) this.out.push(formatValue(value));
        return;
      }
      case 'if':
      case 'with': {
        const value = this.pipeline(node.pipe, dot);
        if (isTruthy(value)) this.walkList(node.list, node.kind === 'with' ? value : dot);
        else if (node.elseList !== undefined) this.walkList(node.elseList, dot);
        this.vars.length = mark;
        return;
      }
      case 'range':
        this.range(node.pipe, node.list, node.elseList, dot);
        this.vars.length = mark;
        return;
    }
  }

  private range(
    pipe: Pipeline,
    list: readonly TemplateNode[],
    elseList: readonly TemplateNode[] | undefined,
    dot: unknown,
  ): void {
    const value = this.pipeline({ ...pipe, declarations: [] }, dot);
    const items = this.rangeItems(value, pipe);
    if (items.length === 0) {
      if (elseList !== undefined) this.walkList(elseList, dot);
      return;
    }
    for (const [key, element] of items) {
      const mark = this.vars.length;
      const [first, second] = pipe.declarations;
      if (first !== undefined && second === undefined)
        this.vars.push({ name: first, value: element });
      if (first !== undefined && second !== undefined) {
        this.vars.push({ name: first, value: key }, { name: second, value: element });
      }
      this.walkList(list, element);
      this.vars.length = mark;
    }
  }

  private rangeItems(value: unknown, pipe: Pipeline): [unknown, unknown][] {
    if (value === undefined || value === null) return [];
    if (Array.isArray(value)) return value.map((v, i) => [i, v]);
    if (typeof value === 'number' && Number.isInteger(value)) {
      return Array.from({ length: Math.max(0, value) }, (_, i) => [i, i]);
    }
    if (isMap(value)) {
      return Object.keys(value)
        .sort()
        .map((k) => [k, value[k]]);
    }
    throw TemplateError.execute(
      pipe.position,
      pipe.source,
      `range can't iterate over ${formatValue(value)}`,
    );
  }

  private pipeline(pipe: Pipeline, dot: unknown): unknown {
    let value: Final = NO_FINAL;
    for (const command of pipe.commands) value = this.command(command, dot, value);
    for (const name of pipe.declarations) {
      if (pipe.assign) this.variable(name, pipe).value = value;
      else this.vars.push({ name, value });
    }
    return value;
  }

  private variable(name: string, at: Pipeline | Command): Variable {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i];
      if (v?.name === name) return v;
    }
    throw TemplateError.execute(at.position, at.source, `undefined variable: ${name}`);
  }

  private command(command: Command, dot: unknown, final: Final): unknown {
    const [first, ...rest] = command.args;
    if (first === undefined) return undefined;
    try {
      if (first.kind === 'function') {
        const fn = this.options.functions[first.name];
        if (fn === undefined) throw new EvaluationError(`function "${first.name}" not defined`);
        const args = rest.map((a) => this.operand(a, dot, command));
        if (final !== NO_FINAL) args.push(final);
        return fn(...args);
      }
      if (rest.length > 0 || final !== NO_FINAL) {
        throw new EvaluationError(`can't give argument to non-function ${first.source}`);
      }
      return this.operand(first, dot, command);
    } catch (err) {
      if (err instanceof EvaluationError) {
        const source = first.kind === 'function' ? command.source : first.source;
        throw TemplateError.execute(command.position, source, err.message);
      }
      throw err;
    }
  }

  private operand(operand: Operand, dot: unknown, command: Command): unknown {
    switch (operand.kind) {
      case 'dot':
        return dot;
      case 'field':
        return this.fields(dot, operand.names);
      case 'variable':
        return this.fields(this.variable(operand.name, command).value, operand.names);
      case 'chain':
        return this.fields(this.pipeline(operand.pipe, dot), operand.names);
      case 'string':
      case 'number':
      case 'bool':
        return operand.value;
      case 'nil':
        throw new EvaluationError('nil is not a command');
      case 'function': {
        const fn = this.options.functions[operand.name];
        if (fn === undefined) throw new EvaluationError(`function "${operand.name}" not defined`);
        return fn();
      }
    }
  }

  private fields(receiver: unknown, names: readonly string[]): unknown {
    let value = receiver;
    for (const name of names) value = fieldOf(value, name, this.options.missingKeyError);
    return value;
  }
}
