import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoGuide, TRY_NEXT_HEADING } from '../../../src/daemon/demo/demo-guide.ts';
import type { DemoGuideFacts } from '../../../src/daemon/demo/demo-guide.ts';

const facts: DemoGuideFacts = {
  dir: '/tmp/shoal-demo-x',
  hosts: [
    { hostname: 'demo-1', url: 'unix:///tmp/shoal-demo-x/demo-1.sock' },
    { hostname: 'demo-2', url: 'unix:///tmp/shoal-demo-x/demo-2.sock' },
    { hostname: 'demo-3', url: 'unix:///tmp/shoal-demo-x/demo-3.sock' },
  ],
  victim: { hostname: 'demo-3', pid: 4242 },
  replicas: 3,
  heartbeatSeconds: 5,
  keep: false,
};

/** The guide's command lines, without their trailing comments. */
function commands(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('  ') && !line.includes('unix:///tmp/shoal-demo-x/demo-2'))
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('demo-'));
}

test('the guide gives exact shoal and docker commands against the first node', () => {
  const text = demoGuide(facts);
  assert.ok(text.includes(TRY_NEXT_HEADING));
  assert.deepEqual(commands(text), [
    'export SHOAL_HOST=unix:///tmp/shoal-demo-x/demo-1.sock',
    'npx shoal node ls',
    'npx shoal service ps web',
    'npx shoal service logs -f web',
    'npx shoal service scale web=5',
    'npx shoal service update --env-add GREETING=hola web',
    'kill -9 4242',
    'npx shoal service ps web',
    'docker -H unix:///tmp/shoal-demo-x/demo-1.sock node ls',
    'docker -H unix:///tmp/shoal-demo-x/demo-1.sock service ps web',
    'DOCKER_HOST=unix:///tmp/shoal-demo-x/demo-1.sock docker service logs -f web',
  ]);
  assert.match(text, /crash demo-3: down after ~5 s,\n.*start again on the others at once/);
  assert.match(text, /Press Ctrl-C to stop the cluster and remove \/tmp\/shoal-demo-x\.\n$/);
});

test('the guide lists every socket, and says when the dir is kept', () => {
  const text = demoGuide({ ...facts, keep: true, victim: undefined });
  for (const host of facts.hosts) assert.ok(text.includes(`${host.hostname}  ${host.url}`));
  assert.doesNotMatch(text, /kill -9/);
  assert.match(text, /\(\/tmp\/shoal-demo-x is kept\)\.\n$/);
});
