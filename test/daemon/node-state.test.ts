import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ShoalError } from '../../src/base/errors.ts';
import { loadNodeState, saveNodeState } from '../../src/daemon/node-state.ts';

test('node state is created once and read back the same after a restart', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shoal-state-'));
  try {
    const path = join(dir, 'state.json');
    const first = await loadNodeState(path);
    assert.equal(first.swarm, null);
    assert.match(first.engineId, /^[0-9a-f]{32}$/);
    assert.deepEqual(await loadNodeState(path), first);
    const joined = {
      ...first,
      swarm: {
        nodeId: 'n1',
        clusterId: 'c1',
        role: 'worker' as const,
        advertiseAddr: '10.0.0.2:2377',
        managers: ['10.0.0.1:2377'],
      },
    };
    await saveNodeState(path, joined);
    assert.deepEqual(await loadNodeState(path), joined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an unreadable node state is fatal, never silently replaced', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shoal-state-'));
  try {
    const path = join(dir, 'state.json');
    for (const text of [
      '{not json',
      '[]',
      '{"version":2,"engineId":"x","swarm":null}',
      '{"version":1,"engineId":"x","swarm":{"role":"boss"}}',
    ]) {
      await writeFile(path, text);
      await assert.rejects(
        loadNodeState(path),
        (err: unknown) => err instanceof ShoalError && err.code === 'NODE_STATE_CORRUPT',
        text,
      );
      assert.equal(await readFile(path, 'utf8'), text, 'the file is left for the operator');
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
