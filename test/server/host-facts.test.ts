import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOsRelease, readHostFacts } from '../../src/server/host-facts.ts';

test('os-release lines are read with their quotes removed', () => {
  const fields = parseOsRelease(
    'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME=Debian\nVERSION_ID=\'12\'\n# comment\n\nbroken line\n',
  );
  assert.equal(fields.get('PRETTY_NAME'), 'Debian GNU/Linux 12 (bookworm)');
  assert.equal(fields.get('NAME'), 'Debian');
  assert.equal(fields.get('VERSION_ID'), '12');
  assert.equal(fields.size, 3);
});

test('the facts of this machine are read without failing', async () => {
  const facts = await readHostFacts();
  assert.ok(facts.hostname.length > 0);
  assert.ok(facts.cpus >= 1);
  assert.ok(facts.memoryBytes > 0);
  assert.equal(facts.osType, process.platform);
  if (process.arch === 'x64') assert.equal(facts.arch, 'amd64');
});
