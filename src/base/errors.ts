/** The fields a ShoalError carries across process boundaries (internal RPC, API bodies). */
export interface ErrorData {
  readonly code: string;
  readonly message: string;
  readonly status: number;
  readonly field?: string;
  readonly retryable?: boolean;
}

export interface ShoalErrorOptions {
  readonly status?: number;
  readonly field?: string;
  readonly retryable?: boolean;
  readonly cause?: unknown;
}

/**
 * Every error shoal raises on purpose. `code` is stable and is what callers match on
 * (never the text); `status` is the HTTP status the API answers with; the message reads
 * as advice to a person. Codes are catalogued in docs/errors.md.
 */
export class ShoalError extends Error {
  readonly code: string;
  readonly status: number;
  readonly field: string | undefined;
  readonly retryable: boolean;

  constructor(code: string, message: string, options: ShoalErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ShoalError';
    this.code = code;
    this.status = options.status ?? 500;
    this.field = options.field;
    this.retryable = options.retryable ?? false;
  }

  toData(): ErrorData {
    const data: { -readonly [K in keyof ErrorData]: ErrorData[K] } = {
      code: this.code,
      message: this.message,
      status: this.status,
    };
    if (this.field !== undefined) data.field = this.field;
    if (this.retryable) data.retryable = true;
    return data;
  }

  static fromData(data: ErrorData): ShoalError {
    const options: { status: number; field?: string; retryable?: boolean } = {
      status: data.status,
    };
    if (data.field !== undefined) options.field = data.field;
    if (data.retryable !== undefined) options.retryable = data.retryable;
    return new ShoalError(data.code, data.message, options);
  }
}

/**
 * A broken invariant inside a pure core: a bug in shoal, never bad input. The message
 * names the invariant so a failing simulation seed points at the rule that broke.
 */
export class InvariantError extends Error {
  readonly invariant: string;

  constructor(invariant: string, detail: string) {
    super(`invariant "${invariant}" violated: ${detail}`);
    this.name = 'InvariantError';
    this.invariant = invariant;
  }
}
