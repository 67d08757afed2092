import { describe } from 'node:test';
import { validateDnsName, validateSecretOrConfigName } from '../../../src/api/validate/names.ts';
import { problemTable } from '../support/problems.ts';

const SECRET_NAME_RULE =
  'invalid name, only 64 [a-zA-Z0-9-_.] characters allowed, and the start and end character must be [a-zA-Z0-9]';

describe('validateDnsName (services, networks)', () => {
  problemTable(validateDnsName, [
    { name: 'plain', input: 'web' },
    { name: 'dashes and underscores inside', input: 'my_stack-web2' },
    { name: '63 characters', input: 'a'.repeat(63) },
    { name: 'missing', input: undefined, field: 'Name', message: 'meta: name must be provided' },
    { name: 'empty', input: '', field: 'Name', message: 'meta: name must be provided' },
    { name: 'a dot', input: 'a.b', message: 'name must be valid as a DNS name component' },
    { name: 'leading dash', input: '-web', message: 'name must be valid as a DNS name component' },
    {
      name: 'trailing underscore',
      input: 'web_',
      message: 'name must be valid as a DNS name component',
    },
    { name: 'not a string', input: 42, message: 'name must be valid as a DNS name component' },
    {
      name: '64 characters',
      input: 'a'.repeat(64),
      message: 'name must be 63 characters or fewer',
    },
  ]);
});

describe('validateSecretOrConfigName', () => {
  problemTable(validateSecretOrConfigName, [
    { name: 'dots inside', input: 'app.conf-v2' },
    { name: 'one character', input: 'a' },
    { name: '64 characters', input: 'a'.repeat(64) },
    { name: 'empty', input: '', field: 'Name', message: 'name must be provided' },
    { name: 'ends with a dot', input: 'app.', message: SECRET_NAME_RULE },
    { name: 'a slash', input: 'a/b', message: SECRET_NAME_RULE },
    { name: '65 characters', input: 'a'.repeat(65), message: SECRET_NAME_RULE },
  ]);
});
