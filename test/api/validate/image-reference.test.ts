import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidImageReference } from '../../../src/api/validate/image-reference.ts';

const cases: [string, boolean][] = [
  ['nginx', true],
  ['nginx:1.25-alpine', true],
  ['library/nginx:latest', true],
  ['ghcr.io/owner/app:v1.2.3', true],
  ['localhost:5000/app', true],
  ['localhost/app', true],
  ['registry.example.com:443/team/app_name:tag', true],
  [`redis@sha256:${'a'.repeat(64)}`, true],
  [`redis:7@sha256:${'b'.repeat(64)}`, true],
  ['my-org/my.app__x', true],
  ['[::1]:5000/app', true],
  ['', false],
  ['Nginx', false],
  ['MyOrg/app', false],
  ['nginx:', false],
  ['nginx:-bad', false],
  ['nginx::1', false],
  ['nginx latest', false],
  ['-nginx', false],
  ['app//x', false],
  ['redis@sha256:short', false],
  [`a/${'b'.repeat(300)}`, false],
];

for (const [image, expected] of cases) {
  test(`${JSON.stringify(image).slice(0, 40)} is ${expected ? 'valid' : 'invalid'}`, () =>
    assert.equal(isValidImageReference(image), expected));
}
