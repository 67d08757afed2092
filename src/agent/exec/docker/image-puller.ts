import { ShoalError } from '../../../base/errors.ts';
import type { Logger } from '../../../base/logger.ts';
import { displayImage, imagePullQuery } from './container-config.ts';
import type { DockerClient } from './docker-client.ts';
import { DockerApiError, engineError, isStatus } from './docker-client.ts';

/** The task error for an image that is not there and could not be pulled. */
export function noSuchImage(ref: string, cause: unknown): ShoalError {
  return new ShoalError('EXECUTOR_IMAGE_NOT_FOUND', `No such image: ${displayImage(ref)}`, {
    status: 404,
    cause,
  });
}

async function hasImage(client: DockerClient, ref: string): Promise<boolean> {
  try {
    await client.call('GET', `/images/${encodeURI(ref)}/json`);
    return true;
  } catch (err) {
    if (isStatus(err, 404)) return false;
    throw engineError(err, 'inspecting the image');
  }
}

/** The first `error` of a pull's JSON progress stream, if any. */
function pullError(body: Buffer): string | undefined {
  for (const line of body.toString('utf8').split('\n')) {
    try {
      const error = (JSON.parse(line) as { error?: unknown }).error;
      if (typeof error === 'string') return error;
    } catch {
      // A partial or empty line: not an error report.
    }
  }
  return undefined;
}

/**
 * Makes sure the engine has image `ref`: inspects it, pulls it when missing. Throws
 * `EXECUTOR_IMAGE_NOT_FOUND` ("No such image: busybox:latest") when the pull fails, the
 * engine's own words going to the log and the error's `cause`.
 */
export async function ensureImage(
  client: DockerClient,
  ref: string,
  logger: Logger,
): Promise<void> {
  if (await hasImage(client, ref)) return;
  logger.info('pulling image', { image: ref });
  let failure: unknown;
  try {
    const { body } = await client.call('POST', '/images/create', { query: imagePullQuery(ref) });
    // A pull answers 200 and reports its failure in the progress stream.
    const error = pullError(body);
    if (error !== undefined) failure = new Error(error);
  } catch (err) {
    if (!(err instanceof DockerApiError)) throw err;
    failure = err;
  }
  if (failure === undefined && (await hasImage(client, ref))) return;
  logger.warn('image not available', { image: ref, err: String(failure) });
  throw noSuchImage(ref, failure);
}
