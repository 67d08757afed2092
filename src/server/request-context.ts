import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../base/logger.ts';
import type { ApiVersion } from './api-version.ts';

/** The methods the Engine API uses. */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS';

/**
 * Everything a route handler knows about its request. Built by the server for each matched
 * request; handlers must not keep it after their promise settles (streams excepted, until
 * `signal` aborts).
 */
export interface RequestContext {
  readonly method: HttpMethod;
  /** The request path without its `/vX.Y` prefix and query, as sent (not percent-decoded). */
  readonly path: string;
  /** The pattern of the matched route, e.g. `/nodes/{id}/update`. */
  readonly pattern: string;
  /** Path parameters of the matched route, percent-decoded. */
  readonly params: Readonly<Record<string, string>>;
  /** The query string. Read values with the helpers of query-params.ts. */
  readonly query: URLSearchParams;
  /** The version from the path prefix, or the server's maximum when the path has none. */
  readonly apiVersion: ApiVersion;
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  /**
   * Aborted when the client goes away before the response finished, or when the server
   * stops. Long-running handlers and streams end when it fires.
   */
  readonly signal: AbortSignal;
  /** The server's logger, with the request's method and path attached. */
  readonly logger: Logger;
  /**
   * Reads the body as JSON (see json-body.ts): undefined for an empty body; a ShoalError with
   * status 400 for malformed JSON or a non-JSON Content-Type, 413 past `limit` bytes (default:
   * the server's body limit). Call at most once.
   */
  readJson(limit?: number): Promise<unknown>;
}
