import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Router, splitVersionPrefix } from '../../src/server/router.ts';
import type { RouteHandler } from '../../src/server/router.ts';

const noop: RouteHandler = () => undefined;

test('a pattern parameter matches one segment and is percent-decoded', () => {
  const router = new Router().post('/nodes/{id}/update', noop);
  const match = router.match('POST', '/nodes/abc%20def/update');
  assert.deepEqual(match?.params, { id: 'abc def' });
  assert.equal(match?.pattern, '/nodes/{id}/update');
  assert.equal(router.match('POST', '/nodes/a/b/update'), undefined);
  assert.equal(router.match('POST', '/nodes//update'), undefined);
  assert.equal(router.match('POST', '/nodes/abc/update/'), undefined);
});

test('greedy parameters take slashes: {x+} one or more characters, {x*} zero or more', () => {
  const router = new Router().get('/networks/{id+}', noop).options('/{path*}', noop);
  assert.deepEqual(router.match('GET', '/networks/team/web')?.params, { id: 'team/web' });
  assert.equal(router.match('GET', '/networks/'), undefined);
  assert.deepEqual(router.match('OPTIONS', '/')?.params, { path: '' });
  assert.deepEqual(router.match('OPTIONS', '/a/b')?.params, { path: 'a/b' });
});

test('the method must match too, and GET routes do not answer HEAD', () => {
  const router = new Router().get('/info', noop).head('/_ping', noop).get('/_ping', noop);
  assert.equal(router.match('HEAD', '/info'), undefined);
  assert.equal(router.match('POST', '/info'), undefined);
  assert.equal(router.match('HEAD', '/_ping')?.method, 'HEAD');
  assert.equal(router.match('GET', '/_ping')?.method, 'GET');
});

test('literal parts are matched literally, regex characters included', () => {
  const router = new Router().get('/a.b', noop);
  assert.ok(router.match('GET', '/a.b'));
  assert.equal(router.match('GET', '/aXb'), undefined);
});

test('the first registered route wins', () => {
  const first: RouteHandler = () => undefined;
  const router = new Router().get('/services/{id}', first).get('/services/{name}', noop);
  assert.equal(router.match('GET', '/services/web')?.handler, first);
});

test('a malformed escape matches nothing instead of throwing', () => {
  const router = new Router().get('/nodes/{id}', noop);
  assert.equal(router.match('GET', '/nodes/%E0%A4%A'), undefined);
});

test('bad patterns and duplicates are refused at registration', () => {
  assert.throws(() => new Router().get('nodes', noop), /must start with/);
  assert.throws(() => new Router().get('/nodes/{id', noop), /malformed/);
  assert.throws(() => new Router().get('/a/{id}/{id}', noop), /repeats/);
  assert.throws(() => new Router().get('/x', noop).get('/x', noop), /registered twice/);
  assert.deepEqual(new Router().get('/x', noop).post('/x', noop).routes(), [
    { method: 'GET', pattern: '/x' },
    { method: 'POST', pattern: '/x' },
  ]);
});

test('splitVersionPrefix removes /v<digits and dots> and nothing else', () => {
  assert.deepEqual(splitVersionPrefix('/v1.41/info'), { version: '1.41', path: '/info' });
  assert.deepEqual(splitVersionPrefix('/v1.41'), { version: '1.41', path: '' });
  assert.deepEqual(splitVersionPrefix('/v2/nodes/x'), { version: '2', path: '/nodes/x' });
  assert.deepEqual(splitVersionPrefix('/volumes'), { version: undefined, path: '/volumes' });
  assert.deepEqual(splitVersionPrefix('/vx.y/info'), { version: undefined, path: '/vx.y/info' });
  assert.deepEqual(splitVersionPrefix('/info'), { version: undefined, path: '/info' });
});
