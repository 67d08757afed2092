import { errorCodes, statusOf } from '../api/errors.ts';
import { ShoalError } from '../base/errors.ts';

/**
 * Codes the HTTP layer itself raises. Each carries its status on the error too, so the
 * mapping holds even before the code joins the table in src/api/errors.ts.
 */
export const serverErrorCodes = {
  /** No route has this method and path: `page not found` (404, as the Engine). */
  pageNotFound: 'API_PAGE_NOT_FOUND',
  /** The `/vX.Y` prefix names a version outside the served range (400). */
  versionUnsupported: 'API_VERSION_UNSUPPORTED',
  /** A query or path parameter could not be read (400). */
  invalidParameter: 'API_INVALID_PARAMETER',
  /** The body is not JSON, or not sent as `application/json` (400). */
  invalidJson: 'API_INVALID_JSON',
  /** The body is larger than the route accepts (413). */
  bodyTooLarge: 'API_BODY_TOO_LARGE',
  /** The unix socket path is served by a live process or is not a socket (start fails). */
  socketUnavailable: 'API_SOCKET_UNAVAILABLE',
} as const;

/** 404 `page not found`: the Engine's answer to any unknown method or path. */
export function pageNotFound(): ShoalError {
  return new ShoalError(serverErrorCodes.pageNotFound, 'page not found', { status: 404 });
}

/** 400 for a bad query or path parameter; `field` names it for programmatic clients. */
export function invalidParameter(message: string, field?: string): ShoalError {
  return new ShoalError(serverErrorCodes.invalidParameter, message, {
    status: 400,
    ...(field === undefined ? {} : { field }),
  });
}

/** 400 for a body that is not JSON; the message starts as the Engine's does (`invalid JSON: ...`). */
export function invalidJson(message: string): ShoalError {
  return new ShoalError(serverErrorCodes.invalidJson, message, { status: 400 });
}

/** 413 for a body over `limit` bytes. */
export function bodyTooLarge(limit: number): ShoalError {
  return new ShoalError(
    serverErrorCodes.bodyTooLarge,
    `request body is larger than the limit of ${limit} bytes; send a smaller request`,
    { status: 413 },
  );
}

/** 400 for a version prefix outside the served range, with the Engine's message. */
export function versionUnsupported(message: string): ShoalError {
  return new ShoalError(serverErrorCodes.versionUnsupported, message, { status: 400 });
}

/** What an error becomes on the wire. `internal` is true for anything that is not a ShoalError. */
export interface HttpError {
  readonly status: number;
  readonly message: string;
  readonly internal: boolean;
}

/**
 * Maps a thrown value to an HTTP status and message. A ShoalError answers with the status its
 * code has in src/api/errors.ts, or with its own `status` when the code is not in the table;
 * anything else is a 500 carrying its message (the caller logs those). Never throws.
 */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof ShoalError) {
    const status = err.code in errorCodes ? statusOf(err.code) : err.status;
    return { status, message: err.message, internal: false };
  }
  const message = err instanceof Error ? err.message : String(err);
  return {
    status: 500,
    message: message === '' ? 'internal server error' : message,
    internal: true,
  };
}
