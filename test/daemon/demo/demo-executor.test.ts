import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseDemoExecutor } from '../../../src/daemon/demo/demo-executor.ts';
import type { DockerProbe } from '../../../src/daemon/demo/demo-executor.ts';

function probe(answers: boolean, imageError?: string): DockerProbe & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    answers: () => Promise.resolve(answers),
    ensureImage: (image) => {
      asked.push(image);
      return imageError === undefined ? Promise.resolve() : Promise.reject(new Error(imageError));
    },
  };
}

test('process is used as asked, without asking Docker anything', async () => {
  const docker = probe(true);
  assert.equal(await chooseDemoExecutor('process', 'busybox', () => {}, docker), 'process');
  assert.deepEqual(docker.asked, []);
});

test('auto picks docker when an engine answers and has the image', async () => {
  const docker = probe(true);
  assert.equal(await chooseDemoExecutor('auto', 'busybox', () => {}, docker), 'docker');
  assert.deepEqual(docker.asked, ['busybox']);
});

test('auto picks process when no engine answers', async () => {
  const docker = probe(false);
  assert.equal(await chooseDemoExecutor('auto', 'busybox', () => {}, docker), 'process');
  assert.deepEqual(docker.asked, []);
});

test('auto falls back to process, saying why, when the image cannot be had', async () => {
  const said: string[] = [];
  const docker = probe(true, 'No such image: busybox:latest');
  const chosen = await chooseDemoExecutor('auto', 'busybox', (t) => said.push(t), docker);
  assert.equal(chosen, 'process');
  assert.match(said.join(''), /No such image: busybox:latest\): using the process executor/);
});

test('an explicit docker whose image cannot be had fails with advice', async () => {
  const docker = probe(true, 'No such image: nope:latest');
  await assert.rejects(
    chooseDemoExecutor('docker', 'nope', () => {}, docker),
    {
      message: /Docker cannot provide image nope .*give --image .* or --executor process/,
    },
  );
});
