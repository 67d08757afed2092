import { describe } from 'node:test';
import type { ContainerSpec } from '../../../src/api/objects/container-spec.ts';
import { validateContainerSpec } from '../../../src/api/validate/container-spec.ts';
import { problemTable } from '../support/problems.ts';

const image = 'nginx:1.25';

describe('validateContainerSpec', () => {
  problemTable<ContainerSpec>(validateContainerSpec, [
    {
      name: 'a full spec',
      input: {
        Image: image,
        Command: ['nginx'],
        Args: ['-g', 'daemon off;'],
        Env: ['A=1'],
        Labels: { a: 'b' },
        Mounts: [
          { Type: 'volume', Source: 'data', Target: '/data' },
          { Type: 'tmpfs', Target: '/tmp' },
        ],
        Healthcheck: { Test: ['CMD', 'true'], Interval: 1_000_000, Timeout: 0, Retries: 3 },
        StopGracePeriod: 0,
        Init: true,
      },
    },
    {
      name: 'no image',
      input: {},
      field: 'TaskTemplate.ContainerSpec.Image',
      message: 'ContainerSpec: image reference must be provided',
    },
    {
      name: 'a bad image',
      input: { Image: 'Bad Image' },
      field: 'TaskTemplate.ContainerSpec.Image',
      message: 'ContainerSpec: "Bad Image" is not a valid repository/tag',
    },
    {
      name: 'the same mount target twice',
      input: {
        Image: image,
        Mounts: [
          { Type: 'volume', Target: '/data' },
          { Type: 'bind', Source: '/srv', Target: '/data' },
        ],
      },
      field: 'TaskTemplate.ContainerSpec.Mounts[1].Target',
      message: 'ContainerSpec: duplicate mount point: /data',
    },
    {
      name: 'an unknown mount type',
      input: { Image: image, Mounts: [{ Type: 'nfs' as 'bind', Target: '/x' }] },
      field: 'TaskTemplate.ContainerSpec.Mounts[0].Type',
    },
    {
      name: 'a health interval under 1 ms',
      input: { Image: image, Healthcheck: { Interval: 999_999 } },
      field: 'TaskTemplate.ContainerSpec.Healthcheck.Interval',
      message: 'ContainerSpec: Interval in HealthConfig cannot be less than 1ms',
    },
    {
      name: 'a negative health timeout',
      input: { Image: image, Healthcheck: { Timeout: -1 } },
      message: 'ContainerSpec: Timeout in HealthConfig cannot be less than 1ms',
    },
    {
      name: 'a short start period',
      input: { Image: image, Healthcheck: { StartPeriod: 5 } },
      message: 'ContainerSpec: StartPeriod in HealthConfig cannot be less than 1ms',
    },
    {
      name: 'a short start interval',
      input: { Image: image, Healthcheck: { StartInterval: 5 } },
      message: 'ContainerSpec: StartInterval in HealthConfig cannot be less than 1ms',
    },
    {
      name: 'negative retries',
      input: { Image: image, Healthcheck: { Retries: -1 } },
      field: 'TaskTemplate.ContainerSpec.Healthcheck.Retries',
      message: 'ContainerSpec: Retries in HealthConfig cannot be negative',
    },
    {
      name: 'a negative stop grace period',
      input: { Image: image, StopGracePeriod: -1 },
      field: 'TaskTemplate.ContainerSpec.StopGracePeriod',
    },
  ]);
});
