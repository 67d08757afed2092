import type { ConfigReference, Privileges, SecretReference } from '../objects/container-spec.ts';
import type { ServiceSpec } from '../objects/service-spec.ts';
import type { Problem } from './spec-error.ts';
import { specError } from './spec-error.ts';

const BASE = 'TaskTemplate.ContainerSpec';

/**
 * Checks the secret references of a container, with Docker's messages: each has an ID and
 * a name ("malformed secret reference"), a file target with a name, and no two write the
 * same file.
 */
export function validateSecretReferences(refs: readonly SecretReference[] | undefined): Problem {
  const targets = new Map<string, string>();
  for (const [i, ref] of (refs ?? []).entries()) {
    const field = `${BASE}.Secrets[${i}]`;
    if (!ref.SecretID || !ref.SecretName) return specError(field, 'malformed secret reference');
    if (ref.File === undefined) {
      return specError(`${field}.File`, 'malformed secret reference, no target provided');
    }
    const problem = checkTarget(
      targets,
      'secret',
      ref.SecretName,
      ref.File.Name,
      `${field}.File.Name`,
    );
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/**
 * Checks the config references of a container, with Docker's messages: each has an ID and
 * a name, a file or runtime target, file names do not collide, and a credential spec that
 * names a config has that config among the runtime references.
 */
export function validateConfigReferences(
  refs: readonly ConfigReference[] | undefined,
  privileges?: Privileges,
): Problem {
  const targets = new Map<string, string>();
  const credentialSpecConfig = privileges?.CredentialSpec?.Config ?? '';
  let credentialSpecFound = false;
  for (const [i, ref] of (refs ?? []).entries()) {
    const field = `${BASE}.Configs[${i}]`;
    if (!ref.ConfigID || !ref.ConfigName) return specError(field, 'malformed config reference');
    if (ref.File === undefined && ref.Runtime === undefined) {
      return specError(field, 'malformed config reference, no target provided');
    }
    if (ref.File !== undefined) {
      const problem = checkTarget(
        targets,
        'config',
        ref.ConfigName,
        ref.File.Name,
        `${field}.File.Name`,
      );
      if (problem !== undefined) return problem;
    }
    if (ref.Runtime !== undefined && ref.ConfigID === credentialSpecConfig)
      credentialSpecFound = true;
  }
  if (credentialSpecConfig !== '' && !credentialSpecFound) {
    return specError(
      `${BASE}.Privileges.CredentialSpec.Config`,
      `CredentialSpec references config '${credentialSpecConfig}', but that config isn't in config references with RuntimeTarget`,
    );
  }
  return undefined;
}

function checkTarget(
  targets: Map<string, string>,
  kind: 'secret' | 'config',
  name: string,
  fileName: string | undefined,
  field: string,
): Problem {
  if (fileName === undefined || fileName === '') {
    return specError(field, `malformed file ${kind} reference, invalid target file name provided`);
  }
  const previous = targets.get(fileName);
  if (previous !== undefined) {
    return specError(
      field,
      `${kind} references '${previous}' and '${name}' have a conflicting target: '${fileName}'`,
    );
  }
  targets.set(fileName, name);
  return undefined;
}

/** Looks up a secret or config by ID; returns its name, or `undefined` if there is none. */
export type NameById = (id: string) => string | undefined;

function missing(
  kind: 'secret' | 'config',
  field: string,
  refs: readonly { id: string; name: string }[],
  nameOf: NameById,
): Problem {
  // A reference must point at an existing object AND quote its current name, as in Swarm.
  const failed = refs.filter((ref) => nameOf(ref.id) !== ref.name).map((ref) => ref.name);
  if (failed.length === 0) return undefined;
  const noun = failed.length === 1 ? kind : `${kind}s`;
  return specError(field, `${noun} not found: ${failed.join(', ')}`);
}

/**
 * Checks that every secret and config a service references exists under the ID it gives
 * and still has the name it quotes, with Docker's message ("secret not found: a, b").
 * `secretName` and `configName` read the current store.
 */
export function checkReferencesExist(
  spec: ServiceSpec,
  secretName: NameById,
  configName: NameById,
): Problem {
  const container = spec.TaskTemplate?.ContainerSpec;
  const secrets = (container?.Secrets ?? []).map((r) => ({ id: r.SecretID, name: r.SecretName }));
  const configs = (container?.Configs ?? []).map((r) => ({ id: r.ConfigID, name: r.ConfigName }));
  return (
    missing('secret', `${BASE}.Secrets`, secrets, secretName) ??
    missing('config', `${BASE}.Configs`, configs, configName)
  );
}
