/**
 * A failure the CLI reports and exits with, like docker's `cli.StatusError`: `main` writes
 * `message` (when not empty) and a newline to stderr and returns `exitCode`. Flag errors
 * use 125, as docker does; everything else 1.
 */
export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** docker's exit status for a flag it cannot parse. */
export const FLAG_ERROR_EXIT_CODE = 125;
