import { DockerClient } from '../../agent/exec/docker/docker-client.ts';
import { ensureImage } from '../../agent/exec/docker/image-puller.ts';
import { silentLogger } from '../../base/logger.ts';
import type { ExecutorKind } from '../config.ts';
import { dockerAnswers } from '../executor-choice.ts';

/** What {@link chooseDemoExecutor} may ask of Docker (replaced in tests). */
export interface DockerProbe {
  /** Whether a Docker engine answers. */
  readonly answers: () => Promise<boolean>;
  /** Resolves once the engine has `image` (pulling it if needed); rejects if it cannot. */
  readonly ensureImage: (image: string) => Promise<void>;
}

/** The probe of the real Docker engine on its default socket. */
export const dockerProbe: DockerProbe = {
  answers: () => dockerAnswers(),
  ensureImage: (image) => ensureImage(new DockerClient(), image, silentLogger),
};

/**
 * The executor every demo node runs: `process` or `docker` as asked; with `auto`, docker
 * when an engine answers and has (or can pull) `image`, else process, so the demo still
 * works on a machine whose Docker cannot reach a registry. An explicit `docker` whose image
 * cannot be had rejects with advice. `say` is told of the choice when it is not the obvious one.
 */
export async function chooseDemoExecutor(
  kind: ExecutorKind,
  image: string,
  say: (text: string) => void,
  probe: DockerProbe = dockerProbe,
): Promise<'docker' | 'process'> {
  if (kind === 'process') return 'process';
  if (kind === 'auto' && !(await probe.answers())) return 'process';
  say(`  docker: making sure image ${image} is there (pulling it if not)\n`);
  try {
    await probe.ensureImage(image);
    return 'docker';
  } catch (err) {
    const why = reason(err);
    if (kind === 'docker') {
      throw new Error(
        `Docker cannot provide image ${image} (${why}); give --image of an image Docker has, or --executor process`,
        { cause: err },
      );
    }
    say(`  docker cannot provide image ${image} (${why}): using the process executor instead\n`);
    return 'process';
  }
}

function reason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}
