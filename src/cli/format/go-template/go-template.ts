import type { TemplateNode } from './ast.ts';
import { executeTemplate } from './executor.ts';
import { parseTemplate } from './parser.ts';
import { builtinFunctions, dockerFunctions } from './template-functions.ts';
import type { FunctionMap } from './template-functions.ts';
import { TemplateError } from './template-error.ts';

/** How one execution runs. */
export interface ExecuteOptions {
  /** Functions replacing same-named ones for this run (docker's header functions). */
  readonly overrides?: FunctionMap;
  /** Go's `missingkey=error`. Default false: a missing map key prints `<no value>`. */
  readonly missingKeyError?: boolean;
}

/** The output of an execution that may have failed part-way. */
export interface PartialResult {
  readonly output: string;
  readonly error: TemplateError | undefined;
}

/**
 * A parsed Go `text/template`, with docker's functions (`json split join title lower upper
 * pad truncate`) and Go's built-ins (`and or not len index print printf println eq ne lt le
 * gt ge`) available. Templates are immutable and may be executed any number of times.
 */
export class GoTemplate {
  private constructor(
    private readonly nodes: readonly TemplateNode[],
    private readonly functions: FunctionMap,
  ) {}

  /**
   * Parses `source`. `extra` adds functions (e.g. `getDetailsOrder` for `version`). Throws a
   * {@link TemplateError} (`template: :LINE: ...`) for bad or unsupported syntax.
   */
  static parse(source: string, extra: FunctionMap = {}): GoTemplate {
    const functions = { ...builtinFunctions, ...dockerFunctions, ...extra };
    return new GoTemplate(parseTemplate(source, new Set(Object.keys(functions))), functions);
  }

  /** Runs the template over `data` and returns the text. Throws a {@link TemplateError}. */
  execute(data: unknown, options: ExecuteOptions = {}): string {
    const result = this.executePartial(data, options);
    if (result.error !== undefined) throw result.error;
    return result.output;
  }

  /** Runs the template over `data`, keeping the text written before a failure. */
  executePartial(data: unknown, options: ExecuteOptions = {}): PartialResult {
    const out: string[] = [];
    const functions = { ...this.functions, ...options.overrides };
    try {
      executeTemplate(
        this.nodes,
        data,
        { functions, missingKeyError: options.missingKeyError ?? false },
        out,
      );
      return { output: out.join(''), error: undefined };
    } catch (err) {
      if (err instanceof TemplateError) return { output: out.join(''), error: err };
      throw err;
    }
  }
}

export { TemplateError } from './template-error.ts';
export { goStruct } from './values.ts';
export type { FunctionMap, TemplateFunction } from './template-functions.ts';
