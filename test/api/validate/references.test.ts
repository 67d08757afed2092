import { describe, test } from 'node:test';
import type { ConfigReference, SecretReference } from '../../../src/api/objects/container-spec.ts';
import {
  checkReferencesExist,
  validateConfigReferences,
  validateSecretReferences,
} from '../../../src/api/validate/references.ts';
import { aServiceSpec } from '../support/objects.ts';
import { assertProblem, problemTable } from '../support/problems.ts';

const file = (name: string) => ({ Name: name, UID: '0', GID: '0', Mode: 0o444 });
const secret = (id: string, name: string, target = name): SecretReference => ({
  SecretID: id,
  SecretName: name,
  File: file(target),
});
const config = (id: string, name: string, target = `/${name}`): ConfigReference => ({
  ConfigID: id,
  ConfigName: name,
  File: file(target),
});

describe('validateSecretReferences', () => {
  problemTable<readonly SecretReference[] | undefined>(validateSecretReferences, [
    { name: 'none', input: undefined },
    { name: 'two secrets', input: [secret('s1', 'a'), secret('s2', 'b')] },
    {
      name: 'no ID',
      input: [{ SecretID: '', SecretName: 'a', File: file('a') }],
      field: 'TaskTemplate.ContainerSpec.Secrets[0]',
      message: 'malformed secret reference',
    },
    {
      name: 'no target',
      input: [{ SecretID: 's1', SecretName: 'a' }],
      message: 'malformed secret reference, no target provided',
    },
    {
      name: 'no file name',
      input: [secret('s1', 'a', '')],
      message: 'malformed file secret reference, invalid target file name provided',
    },
    {
      name: 'two secrets in one file',
      input: [secret('s1', 'a', 'pw'), secret('s2', 'b', 'pw')],
      field: 'TaskTemplate.ContainerSpec.Secrets[1].File.Name',
      message: "secret references 'a' and 'b' have a conflicting target: 'pw'",
    },
  ]);
});

describe('validateConfigReferences', () => {
  problemTable<[readonly ConfigReference[], string?]>(
    ([refs, credentialConfig]) =>
      validateConfigReferences(
        refs,
        credentialConfig === undefined
          ? undefined
          : { CredentialSpec: { Config: credentialConfig } },
      ),
    [
      { name: 'files', input: [[config('c1', 'a'), config('c2', 'b')]] },
      {
        name: 'a runtime target for the credential spec',
        input: [[{ ConfigID: 'c9', ConfigName: 'cred', Runtime: {} }], 'c9'],
      },
      {
        name: 'no target',
        input: [[{ ConfigID: 'c1', ConfigName: 'a' }]],
        message: 'malformed config reference, no target provided',
      },
      {
        name: 'conflicting files',
        input: [[config('c1', 'a', '/etc/x'), config('c2', 'b', '/etc/x')]],
        message: "config references 'a' and 'b' have a conflicting target: '/etc/x'",
      },
      {
        name: 'a credential spec config that is not a runtime reference',
        input: [[config('c9', 'cred')], 'c9'],
        field: 'TaskTemplate.ContainerSpec.Privileges.CredentialSpec.Config',
        message:
          "CredentialSpec references config 'c9', but that config isn't in config references with RuntimeTarget",
      },
    ],
  );
});

describe('checkReferencesExist', () => {
  const secrets = new Map([['s1', 'a']]);
  const configs = new Map([['c1', 'conf']]);
  const spec = (s: SecretReference[], c: ConfigReference[] = []) =>
    aServiceSpec({ TaskTemplate: { ContainerSpec: { Image: 'x', Secrets: s, Configs: c } } });
  const check = (s: SecretReference[], c: ConfigReference[] = []) =>
    checkReferencesExist(
      spec(s, c),
      (id) => secrets.get(id),
      (id) => configs.get(id),
    );

  test('existing references pass', () =>
    assertProblem(check([secret('s1', 'a')], [config('c1', 'conf')]), { name: '', input: 0 }));
  test('a missing secret', () =>
    assertProblem(check([secret('s9', 'gone')]), {
      name: '',
      input: 0,
      field: 'TaskTemplate.ContainerSpec.Secrets',
      message: 'secret not found: gone',
    }));
  test('a secret renamed since (the name must match too), and a plural', () =>
    assertProblem(check([secret('s1', 'old'), secret('s2', 'b', 'b')]), {
      name: '',
      input: 0,
      message: 'secrets not found: old, b',
    }));
  test('a missing config', () =>
    assertProblem(check([], [config('c2', 'x')]), {
      name: '',
      input: 0,
      field: 'TaskTemplate.ContainerSpec.Configs',
      message: 'config not found: x',
    }));
});
