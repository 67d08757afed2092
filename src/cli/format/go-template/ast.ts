/**
 * The parsed form of a Go `text/template` (the subset shoal supports). Every node keeps its
 * position and its source text, so execution errors can point at it the way Go's do
 * (`template: :1:2: executing "" at <.Foo>: ...`).
 */

/** Where a node starts: 1-based line, 0-based column (Go's `line:col`). */
export interface Position {
  readonly line: number;
  readonly col: number;
}

/** A value-producing term inside an action. */
export type Operand =
  /** `.A.B` on dot; `names` is never empty. */
  | { readonly kind: 'field'; readonly names: readonly string[]; readonly source: string }
  /** `.` itself. */
  | { readonly kind: 'dot'; readonly source: string }
  /** `$x` or `$x.A.B` (`$` alone is the data the template was executed with). */
  | {
      readonly kind: 'variable';
      readonly name: string;
      readonly names: readonly string[];
      readonly source: string;
    }
  /** A parenthesised pipeline, optionally followed by fields: `(index .M "k").A`. */
  | {
      readonly kind: 'chain';
      readonly pipe: Pipeline;
      readonly names: readonly string[];
      readonly source: string;
    }
  /** A function name (`json`, `index`...). */
  | { readonly kind: 'function'; readonly name: string; readonly source: string }
  | { readonly kind: 'string'; readonly value: string; readonly source: string }
  | { readonly kind: 'number'; readonly value: number; readonly source: string }
  | { readonly kind: 'bool'; readonly value: boolean; readonly source: string }
  | { readonly kind: 'nil'; readonly source: string };

/** One command of a pipeline: an operand and its arguments (`index .Labels "k"`). */
export interface Command {
  readonly args: readonly Operand[];
  readonly position: Position;
  readonly source: string;
}

/**
 * `$x := a | b c`: commands joined by `|`, each result passed as the last argument of the
 * next. `declarations` are the variables it declares (or assigns, when `assign`).
 */
export interface Pipeline {
  readonly declarations: readonly string[];
  readonly assign: boolean;
  readonly commands: readonly Command[];
  readonly position: Position;
  readonly source: string;
}

/** A node of the template tree. */
export type TemplateNode =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'action'; readonly pipe: Pipeline }
  | {
      readonly kind: 'if' | 'with' | 'range';
      readonly pipe: Pipeline;
      readonly list: readonly TemplateNode[];
      readonly elseList: readonly TemplateNode[] | undefined;
    };
