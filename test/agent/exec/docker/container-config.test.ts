import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  containerConfig,
  displayImage,
  imagePullQuery,
} from '../../../../src/agent/exec/docker/container-config.ts';
import { aTask, ms } from '../task-fixture.ts';

describe('containerConfig', () => {
  test('names, labels, command, env and runtime options as Swarm sets them', () => {
    const task = aTask(
      {
        Image: 'busybox:1.36',
        Command: ['/bin/sh', '-c'],
        Args: ['echo hi'],
        Env: ['A=1'],
        Labels: { mine: 'yes', 'com.docker.swarm.task.id': 'forged' },
        Hostname: 'h1',
        User: 'nobody',
        Dir: '/tmp',
        Init: true,
        StopSignal: 'SIGUSR1',
        StopGracePeriod: ms(1_500),
        Healthcheck: { Test: ['CMD', 'true'], Interval: ms(100) },
        Mounts: [
          { Type: 'tmpfs', Target: '/scratch', TmpfsOptions: { SizeBytes: 1024 } },
          { Type: 'bind', Source: '/etc', Target: '/host-etc', ReadOnly: true },
        ],
        Hosts: ['10.0.0.1 db cache'],
      },
      { id: 'task1', service: 'web', slot: 3, nodeId: 'node1' },
    );
    const withLimits = {
      ...task,
      Spec: {
        ...task.Spec,
        Resources: {
          Limits: { NanoCPUs: 5e8, MemoryBytes: 64 * 1024 * 1024 },
          Reservations: { NanoCPUs: 1e9 },
        },
      },
    };
    const body = containerConfig(withLimits);
    assert.equal(body.Image, 'busybox:1.36');
    assert.deepEqual(body.Entrypoint, ['/bin/sh', '-c']);
    assert.deepEqual(body.Cmd, ['echo hi']);
    assert.deepEqual(body.Env, ['A=1']);
    assert.deepEqual(body.Labels, {
      mine: 'yes',
      'com.docker.swarm.task.id': 'task1',
      'com.docker.swarm.task.name': 'web.3.task1',
      'com.docker.swarm.node.id': 'node1',
      'com.docker.swarm.service.id': task.ServiceID,
      'com.docker.swarm.service.name': 'web',
    });
    assert.equal(body.Hostname, 'h1');
    assert.equal(body.User, 'nobody');
    assert.equal(body.WorkingDir, '/tmp');
    assert.equal(body.StopSignal, 'SIGUSR1');
    assert.equal(body.StopTimeout, 2);
    assert.deepEqual(body.Healthcheck, { Test: ['CMD', 'true'], Interval: ms(100) });
    assert.deepEqual(body.HostConfig, {
      Init: true,
      Mounts: [
        { Type: 'tmpfs', Target: '/scratch', TmpfsOptions: { SizeBytes: 1024 } },
        { Type: 'bind', Source: '/etc', Target: '/host-etc', ReadOnly: true },
      ],
      NanoCpus: 5e8,
      Memory: 64 * 1024 * 1024,
      ExtraHosts: ['db:10.0.0.1', 'cache:10.0.0.1'],
    });
  });

  test('without Command the image entrypoint stays; global tasks use the node ID in the name', () => {
    const body = containerConfig(
      aTask({ Image: 'busybox', Args: ['sleep', '1'] }, { id: 't2', slot: 0, nodeId: 'nodeX' }),
    );
    assert.equal(body.Entrypoint, undefined);
    assert.deepEqual(body.Cmd, ['sleep', '1']);
    assert.equal(body.Labels['com.docker.swarm.task.name'], 'web.nodeX.t2');
  });
});

describe('image references', () => {
  test('pull queries and display names default the tag to latest', () => {
    assert.deepEqual(imagePullQuery('busybox'), { fromImage: 'busybox', tag: 'latest' });
    assert.deepEqual(imagePullQuery('localhost:5000/a/b:1.2'), {
      fromImage: 'localhost:5000/a/b',
      tag: '1.2',
    });
    assert.deepEqual(imagePullQuery('localhost:5000/a'), {
      fromImage: 'localhost:5000/a',
      tag: 'latest',
    });
    assert.deepEqual(imagePullQuery('a@sha256:abc'), { fromImage: 'a@sha256:abc' });
    assert.equal(displayImage('shoal-test/nope'), 'shoal-test/nope:latest');
  });
});
