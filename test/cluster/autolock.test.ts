import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ManagerKeyring } from '../../src/manager/keys/manager-keyring.ts';
import { ResourceTracker } from '../support/resource-tracker.ts';
import type { ApiClient, ApiReply } from '../support/api-client.ts';
import type { ClusterNode, SwarmJson } from './harness.ts';
import { listNodes, startCluster, tryLabelWrite } from './harness.ts';

const tracker = new ResourceTracker();
after(async () => {
  await tracker.dispose();
  tracker.assertClean();
});

const LOCKED_TEXT =
  'Swarm is encrypted and needs to be unlocked before it can be used. Please use "docker swarm unlock" to unlock it.';

interface InfoJson {
  Swarm: { LocalNodeState: string; ControlAvailable: boolean };
}

function messageOf(reply: ApiReply): string {
  const body = reply.body as { message?: unknown } | null | undefined;
  return typeof body?.message === 'string' ? body.message : '';
}

async function unlockKey(api: ApiClient): Promise<string> {
  return ((await api.ok('GET', '/swarm/unlockkey')) as { UnlockKey: string }).UnlockKey;
}

async function localState(api: ApiClient): Promise<string> {
  return ((await api.ok('GET', '/info')) as InfoJson).Swarm.LocalNodeState;
}

function certificatesOf(node: ClusterNode): string {
  return join(node.process.dir, 'data', 'certificates');
}

test('autolock restart: a SIGKILLed manager comes back locked, a wrong key is refused, the right one rejoins it', async () => {
  const cluster = await startCluster({ managers: 3, tracker });
  const leader = await cluster.leader();
  const swarm = (await cluster.swarm(leader)) as SwarmJson & {
    Spec: { EncryptionConfig?: { AutoLockManagers?: boolean } };
  };
  await cluster.api(leader).ok('POST', `/swarm/update?version=${swarm.Version.Index}`, {
    ...swarm.Spec,
    EncryptionConfig: { AutoLockManagers: true },
  });
  const key = await unlockKey(cluster.api(leader));
  assert.match(key, /^SWMKEY-1-/);
  const follower = cluster.managers().find((m) => m !== leader);
  assert.ok(follower);
  // Every manager re-seals its keys once it applies the change.
  await cluster.waitFor(`${follower.hostname} to seal its keys under the unlock key`, async () => {
    return (await ManagerKeyring.probe(certificatesOf(follower))) === 'locked';
  });

  await cluster.kill(follower);
  await cluster.restart(follower);
  const api = cluster.api(follower);
  assert.equal(await localState(api), 'locked');
  const refused = await api.call('GET', '/nodes');
  assert.equal(refused.status, 503);
  assert.equal(messageOf(refused), LOCKED_TEXT);
  await cluster.waitFor('the others to see the locked manager unreachable', async () => {
    const nodes = await listNodes(cluster.api(leader));
    const seen = nodes.find((n) => n.ID === follower.id);
    return seen?.ManagerStatus?.Reachability === 'unreachable';
  });
  // Two of three managers keep the quorum while one is locked.
  await cluster
    .waitFor('a write on the leader while a manager is locked', () =>
      tryLabelWrite(cluster.api(leader), leader.id, 'during-lock', 'yes'),
    )
    .catch(async (err: unknown) => {
      // This wait timed out once in a loaded CI run and never since: say what the managers
      // saw, so the next failure explains itself.
      const seen = await Promise.all(
        cluster.managers().map(async (m) => {
          const nodes = await listNodes(cluster.api(m)).catch((e: unknown) => String(e));
          const view =
            typeof nodes === 'string'
              ? nodes
              : nodes
                  .map(
                    (n) =>
                      `${n.ID}:${n.ManagerStatus?.Reachability ?? '-'}${n.ManagerStatus?.Leader === true ? '*' : ''}`,
                  )
                  .join(' ');
          return `${m.hostname}: ${view}`;
        }),
      );
      throw new Error(`${String(err)}\n${seen.join('\n')}`, { cause: err });
    });

  const wrong = await api.call('POST', '/swarm/unlock', {
    UnlockKey: 'SWMKEY-1-' + 'A'.repeat(42) + 'E',
  });
  assert.equal(wrong.status, 401);
  assert.equal(messageOf(wrong), 'swarm could not be unlocked: invalid key provided');
  assert.equal(await localState(api), 'locked');

  const unlocked = await api.call('POST', '/swarm/unlock', { UnlockKey: key });
  assert.equal(unlocked.status, 200, JSON.stringify(unlocked.body));
  assert.equal(await localState(api), 'active');
  await cluster.waitFor(
    'the unlocked manager to catch up with the write made while locked',
    async () => {
      const nodes = await listNodes(api);
      return nodes.find((n) => n.ID === leader.id)?.Spec.Labels?.['during-lock'] === 'yes';
    },
  );
  await cluster.waitFor('the unlocked manager to be reachable again', async () => {
    const nodes = await listNodes(cluster.api(await cluster.leader()));
    return nodes.find((n) => n.ID === follower.id)?.ManagerStatus?.Reachability === 'reachable';
  });
});
