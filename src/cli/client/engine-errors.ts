/**
 * The daemon answered with an error status. `message` is what docker prints:
 * `Error response from daemon: <the daemon's message>`; `daemonMessage` is the bare text.
 */
export class DaemonError extends Error {
  override readonly name = 'DaemonError';

  constructor(
    readonly status: number,
    readonly daemonMessage: string,
  ) {
    super(`Error response from daemon: ${daemonMessage}`);
  }
}

/**
 * The daemon answered with an error status and no body, which usually means the route
 * does not exist at that API version. Worded as docker words it.
 */
export class UnsupportedRouteError extends Error {
  override readonly name = 'UnsupportedRouteError';

  constructor(
    readonly status: number,
    statusText: string,
    url: string,
  ) {
    super(
      `request returned ${statusText} for API route and version ${url}, check if the server supports the requested API version`,
    );
  }
}

/**
 * No daemon could be reached at the configured address. The message follows docker's
 * ("Cannot connect to the Docker daemon at ... Is the docker daemon running?") with
 * shoal's names, or reports the connection error for other failures.
 */
export class DaemonUnreachableError extends Error {
  override readonly name = 'DaemonUnreachableError';

  constructor(hostUrl: string, cause: NodeJS.ErrnoException) {
    super(DaemonUnreachableError.describe(hostUrl, cause), { cause });
  }

  private static describe(hostUrl: string, cause: NodeJS.ErrnoException): string {
    if (cause.code === 'ENOENT' || cause.code === 'ECONNREFUSED') {
      return `Cannot connect to the shoal daemon at ${hostUrl}. Is the shoal daemon running?`;
    }
    if (cause.code === 'EACCES') {
      return `permission denied while trying to connect to the shoal daemon socket at ${hostUrl}: ${cause.message}`;
    }
    return `error during connect: ${cause.message}`;
  }
}
