import { FakeDaemon } from './fake-daemon.ts';
import type { FakeDaemonOptions, Route } from './fake-daemon.ts';
import { NODES, SELF_ID, SWARM, SWARM_INFO, TASKS, WEB_SERVICE, fixtureNode } from './fixtures.ts';

const notFound = (kind: string, id: string) => ({
  status: 404,
  json: { message: `${kind} ${id} not found` },
});

/**
 * The routes of a manager holding the fixtures: reads answer from `fixtures.ts`, writes
 * answer 200 (init with this node's ID) and change nothing. Tests override routes to shape
 * answers or errors.
 */
export const FIXTURE_ROUTES: Readonly<Record<string, Route>> = {
  'GET /info': () => ({ json: { ID: 'engine', Swarm: SWARM_INFO } }),
  'GET /version': () => ({
    json: {
      Platform: { Name: 'shoal' },
      Components: [
        {
          Name: 'Engine',
          Version: '0.1.0',
          Details: {
            ApiVersion: '1.41',
            Arch: 'amd64',
            BuildTime: '',
            Experimental: 'false',
            GitCommit: 'abc1234',
            GoVersion: 'node v20.0.0',
            KernelVersion: '6.1',
            MinAPIVersion: '1.24',
            Os: 'linux',
          },
        },
      ],
      Version: '0.1.0',
      ApiVersion: '1.41',
      MinAPIVersion: '1.24',
    },
  }),
  'GET /nodes': () => ({ json: NODES }),
  'GET /nodes/:id': (r) => {
    try {
      return { json: fixtureNode(r.params['id'] ?? '') };
    } catch {
      return notFound('node', r.params['id'] ?? '');
    }
  },
  'POST /nodes/:id/update': () => ({ status: 200 }),
  'DELETE /nodes/:id': (r) =>
    r.params['id'] === 'nope' ? notFound('node', 'nope') : { status: 200 },
  'GET /swarm': () => ({ json: SWARM }),
  'GET /swarm/unlockkey': () => ({
    json: { UnlockKey: 'SWMKEY-1-7c37Cc8654o6p38HnroywCi19pllOnGtbdZEgtKxZu8' },
  }),
  'POST /swarm/init': () => ({ json: SELF_ID }),
  'POST /swarm/join': () => ({ status: 200 }),
  'POST /swarm/leave': () => ({ status: 200 }),
  'POST /swarm/update': () => ({ status: 200 }),
  'POST /swarm/unlock': () => ({ status: 200 }),
  'GET /tasks': () => ({ json: TASKS }),
  'GET /services/:id': (r) =>
    r.params['id'] === WEB_SERVICE.ID
      ? { json: WEB_SERVICE }
      : notFound('service', r.params['id'] ?? ''),
};

/** Starts a fake daemon with {@link FIXTURE_ROUTES}, with `overrides` replacing routes. */
export function startFixtureDaemon(
  overrides: Readonly<Record<string, Route>> = {},
  options: FakeDaemonOptions = {},
): Promise<FakeDaemon> {
  return FakeDaemon.start({ ...FIXTURE_ROUTES, ...overrides }, options);
}
