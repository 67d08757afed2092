import { invalidJson } from '../errors.ts';
import type { RequestContext } from '../request-context.ts';

/** Whether a body is required: the Engine refuses an empty one where it decodes a struct. */
export interface ObjectBodyOptions {
  /** The Go type Docker decodes into, for its wording (`swarm.NodeSpec`). */
  readonly goType: string;
  /** True where the Engine answers an empty body with 400 (its decoder meets EOF). */
  readonly required: boolean;
}

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  return typeof value === 'string' ? 'string' : typeof value === 'boolean' ? 'bool' : 'number';
}

/**
 * Reads the request body as a JSON object, as the Engine decodes a request struct: `null`
 * and (when not `required`) an empty body give `{}`; an empty required body is a 400
 * `invalid JSON: got EOF while reading request body`; an array or scalar is a 400
 * `invalid JSON: json: cannot unmarshal <kind> into Go value of type <goType>`. The
 * fields are not checked here: callers validate them (src/api/validate/). Also rejects
 * as {@link RequestContext.readJson} does (Content-Type, size).
 */
export async function readObjectBody(
  ctx: RequestContext,
  options: ObjectBodyOptions,
): Promise<Record<string, unknown>> {
  const body = await ctx.readJson();
  if (body === undefined) {
    if (options.required) throw invalidJson('invalid JSON: got EOF while reading request body');
    return {};
  }
  if (body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw invalidJson(
      `invalid JSON: json: cannot unmarshal ${jsonKind(body)} into Go value of type ${options.goType}`,
    );
  }
  return body as Record<string, unknown>;
}
