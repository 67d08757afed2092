// Runs every script in testdata/ and compares each command's output with the golden
// output written below it. `REWRITE=1 npm test -- interaction` rewrites the scripts with
// the actual output instead (review the diff before committing it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatScript, parseScript } from './support/interaction-script.ts';
import { RaftInterpreter } from './support/raft-interpreter.ts';

const TESTDATA = join(import.meta.dirname, 'testdata');
const REWRITE = process.env.REWRITE === '1' || process.env.REWRITE === 'true';

const scripts = readdirSync(TESTDATA)
  .filter((name) => name.endsWith('.txt'))
  .sort();

test('there are interaction scripts to run', () => {
  assert.ok(scripts.length >= 6, `found ${scripts.length} scripts in ${TESTDATA}`);
});

for (const name of scripts) {
  test(`interaction script ${name}`, () => {
    const path = join(TESTDATA, name);
    const text = readFileSync(path, 'utf8');
    const blocks = parseScript(text);
    const interpreter = new RaftInterpreter();
    const outputs = blocks.map((b) => interpreter.run(b.command));
    if (REWRITE) {
      writeFileSync(path, formatScript(blocks, outputs));
      return;
    }
    blocks.forEach((block, i) => {
      assert.equal(
        outputs[i],
        block.expected,
        `${name}:${block.line}: '${block.command}' printed something else (REWRITE=1 to accept)`,
      );
    });
  });
}
