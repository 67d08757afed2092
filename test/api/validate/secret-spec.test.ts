import { describe } from 'node:test';
import type { SecretSpec } from '../../../src/api/objects/secret.ts';
import type { ConfigSpec } from '../../../src/api/objects/config.ts';
import {
  MAX_CONFIG_SIZE,
  MAX_SECRET_SIZE,
  validateConfigSpec,
  validateLabelsOnlyUpdate,
  validateSecretSpec,
} from '../../../src/api/validate/secret-spec.ts';
import { problemTable } from '../support/problems.ts';

const b64 = (bytes: number) => Buffer.alloc(bytes, 1).toString('base64');

describe('validateSecretSpec', () => {
  problemTable<SecretSpec>(validateSecretSpec, [
    { name: 'one byte', input: { Name: 's', Data: b64(1) } },
    { name: 'just under 500 KiB', input: { Name: 's', Data: b64(MAX_SECRET_SIZE - 1) } },
    { name: 'a driver supplies the data', input: { Name: 's', Driver: { Name: 'vault' } } },
    { name: 'a bad name', input: { Name: 'a b', Data: b64(1) }, field: 'Name' },
    {
      name: 'empty data',
      input: { Name: 's', Data: '' },
      field: 'Data',
      message: 'secret data must be larger than 0 and less than 512000 bytes',
    },
    {
      name: 'no data',
      input: { Name: 's' },
      message: 'secret data must be larger than 0 and less than 512000 bytes',
    },
    {
      name: 'exactly 500 KiB',
      input: { Name: 's', Data: b64(MAX_SECRET_SIZE) },
      message: 'secret data must be larger than 0 and less than 512000 bytes',
    },
    { name: 'not base64', input: { Name: 's', Data: 'hello!' }, field: 'Data' },
    {
      name: 'a driver without a name',
      input: { Name: 's', Driver: {} },
      field: 'Driver.Name',
      message: 'secret driver must have a name',
    },
  ]);
});

describe('validateConfigSpec', () => {
  problemTable<ConfigSpec>(validateConfigSpec, [
    { name: 'just under 1000 KiB', input: { Name: 'c', Data: b64(MAX_CONFIG_SIZE - 1) } },
    {
      name: 'exactly 1000 KiB',
      input: { Name: 'c', Data: b64(MAX_CONFIG_SIZE) },
      message: 'config data must be larger than 0 and less than 1024000 bytes',
    },
    { name: 'no name', input: { Data: b64(1) }, message: 'name must be provided' },
  ]);
});

describe('validateLabelsOnlyUpdate', () => {
  const current: SecretSpec = { Name: 's', Labels: {}, Data: b64(3) };
  problemTable<SecretSpec>(
    (next) => validateLabelsOnlyUpdate(current, next),
    [
      { name: 'new labels', input: { Name: 's', Labels: { a: 'b' } } },
      { name: 'the same data again', input: { ...current, Labels: { a: 'b' } } },
      {
        name: 'a new name',
        input: { ...current, Name: 't' },
        field: 'Name',
        message: 'only updates to Labels are allowed',
      },
      {
        name: 'new data',
        input: { ...current, Data: b64(4) },
        field: 'Data',
        message: 'only updates to Labels are allowed',
      },
    ],
  );
});
