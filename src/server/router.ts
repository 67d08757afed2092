import type { ApiVersion } from './api-version.ts';
import type { RouteResult } from './reply.ts';
import type { HttpMethod, RequestContext } from './request-context.ts';

/**
 * Handles one matched request. Return a {@link RouteResult} to have the server write it, or
 * write to `ctx.response` yourself (streams) and return undefined. Returning undefined without
 * writing answers 200 with an empty body, as the Engine does for handlers with no output.
 * Throw a ShoalError to answer `{"message": ...}` with its status (see errors.ts).
 */
export type RouteHandler = (ctx: RequestContext) => RouteResult | Promise<RouteResult>;

/** A route as registered, for listings and tests. */
export interface RouteInfo {
  readonly method: HttpMethod;
  readonly pattern: string;
}

/** The route chosen for a request, with its decoded path parameters. */
export interface RouteMatch extends RouteInfo {
  readonly handler: RouteHandler;
  readonly params: Readonly<Record<string, string>>;
}

interface CompiledRoute extends RouteInfo {
  readonly handler: RouteHandler;
  readonly regex: RegExp;
  readonly names: readonly string[];
}

const paramSyntax = /\{([A-Za-z_][A-Za-z0-9_]*)([+*]?)\}/g;

/**
 * Method + path routing for the Engine API. Patterns are literal paths with parameters:
 * `{id}` matches one non-empty segment, `{id+}` one or more characters including `/`, `{id*}`
 * zero or more (`/networks/{id+}` holds names with slashes as the Engine's `{id:.+}` does).
 * Patterns are written without the `/vX.Y` prefix; {@link splitVersionPrefix} removes it first.
 * Matching is on the percent-decoded path, first registered route wins, and a path that
 * matches only under another method is not found (the Engine answers 404 there too).
 */
export class Router {
  private readonly table: CompiledRoute[] = [];

  /** Registers a route; throws on a malformed pattern or a duplicate method + pattern. */
  add(method: HttpMethod, pattern: string, handler: RouteHandler): this {
    if (!pattern.startsWith('/')) throw new Error(`route pattern must start with "/": ${pattern}`);
    if (this.table.some((r) => r.method === method && r.pattern === pattern)) {
      throw new Error(`route ${method} ${pattern} is registered twice`);
    }
    this.table.push({ method, pattern, handler, ...compilePattern(pattern) });
    return this;
  }

  /** Registers a GET route. */
  get(pattern: string, handler: RouteHandler): this {
    return this.add('GET', pattern, handler);
  }
  /** Registers a HEAD route (GET routes do not answer HEAD, as in the Engine). */
  head(pattern: string, handler: RouteHandler): this {
    return this.add('HEAD', pattern, handler);
  }
  /** Registers a POST route. */
  post(pattern: string, handler: RouteHandler): this {
    return this.add('POST', pattern, handler);
  }
  /** Registers a PUT route. */
  put(pattern: string, handler: RouteHandler): this {
    return this.add('PUT', pattern, handler);
  }
  /** Registers a DELETE route. */
  delete(pattern: string, handler: RouteHandler): this {
    return this.add('DELETE', pattern, handler);
  }
  /** Registers an OPTIONS route. */
  options(pattern: string, handler: RouteHandler): this {
    return this.add('OPTIONS', pattern, handler);
  }

  /**
   * The first route whose method and pattern match `path` (already without a version prefix,
   * not yet percent-decoded), or undefined. A path with a malformed escape matches nothing.
   */
  match(method: string, path: string): RouteMatch | undefined {
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return undefined;
    }
    for (const route of this.table) {
      if (route.method !== method) continue;
      const found = route.regex.exec(decoded);
      if (found === null) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        params[name] = found[i + 1] ?? '';
      });
      return { method: route.method, pattern: route.pattern, handler: route.handler, params };
    }
    return undefined;
  }

  /** Every registered route, in registration order. */
  routes(): readonly RouteInfo[] {
    return this.table.map(({ method, pattern }) => ({ method, pattern }));
  }
}

function compilePattern(pattern: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  let source = '^';
  let last = 0;
  for (const param of pattern.matchAll(paramSyntax)) {
    const [whole, name = '', greed] = param;
    if (names.includes(name)) throw new Error(`route ${pattern} repeats parameter {${name}}`);
    names.push(name);
    source += escapeRegex(pattern.slice(last, param.index));
    source += greed === '+' ? '(.+)' : greed === '*' ? '(.*)' : '([^/]+)';
    last = param.index + whole.length;
  }
  if (/[{}]/.test(pattern.replace(paramSyntax, ''))) {
    throw new Error(`route ${pattern} has a malformed parameter`);
  }
  source += escapeRegex(pattern.slice(last)) + '$';
  return { regex: new RegExp(source), names };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A request path split into its optional API version and the path the routes see. */
export interface VersionedPath {
  /** The version from a `/vX.Y` prefix, or undefined when the path has none. */
  readonly version: ApiVersion | undefined;
  /** The path without the prefix (`''` for a bare `/v1.41`, which no route matches). */
  readonly path: string;
}

/**
 * Removes a leading `/v<digits and dots>` segment, as the Engine's router does for every
 * route (`/v1.41/info` → version `1.41`, path `/info`). Other paths come back unchanged.
 */
export function splitVersionPrefix(rawPath: string): VersionedPath {
  const found = /^\/v([0-9.]+)(\/.*)?$/.exec(rawPath);
  if (found === null) return { version: undefined, path: rawPath };
  return { version: found[1], path: found[2] ?? '' };
}
