import type { Position } from './ast.ts';

/**
 * A template that cannot be parsed or executed. The message reads as Go's does, so a user
 * who knows `docker ... --format` recognises it: `template: :1: unclosed action` for parse
 * errors, `template: :1:2: executing "" at <.Foo>: can't evaluate field Foo in type ...`
 * for execution errors. Callers prefix it with "template parsing error: " as docker does.
 */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';

  /** A parse error at `line` (1-based). */
  static parse(line: number, message: string): TemplateError {
    return new TemplateError(`template: :${line}: ${message}`);
  }

  /** An execution error at `position`, naming the node's source text. */
  static execute(position: Position, source: string, message: string): TemplateError {
    return new TemplateError(
      `template: :${position.line}:${position.col}: executing "" at <${source}>: ${message}`,
    );
  }
}

/**
 * Thrown by template functions and value helpers; the executor turns it into a
 * {@link TemplateError} carrying the position of the node being evaluated.
 */
export class EvaluationError extends Error {
  override readonly name = 'EvaluationError';
}
