import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { alignColumns, displayWidth, TABLE_LAYOUT } from '../../../src/cli/format/tab-writer.ts';

test('a table is padded to the widest cell plus 3, at least 10, and the last cell is never padded', () => {
  const text = 'ID  \tHOSTNAME\tSTATUS\n' + 'abc *\tnode-2\tReady\n' + 'defghijklmnop\tn\tDown\n';
  assert.equal(
    alignColumns(text, TABLE_LAYOUT),
    'ID              HOSTNAME   STATUS\n' +
      'abc *           node-2     Ready\n' +
      'defghijklmnop   n          Down\n',
  );
});

test('empty cells are padded like any other, trailing empty cells after the last tab are not', () => {
  assert.equal(
    alignColumns('a\t\tc\nbb\tx\t\n', TABLE_LAYOUT),
    'a         ' + '          c\n' + 'bb        x         \n',
  );
});

test('a line without a tab ends a column block; columns after it are measured afresh', () => {
  const text = 'long-cell-here\tx\nsection\nb\ty\n';
  assert.equal(alignColumns(text, { minWidth: 0, padding: 1 }), 'long-cell-here x\nsection\nb y\n');
});

test('a column exists only while consecutive lines have a tab-terminated cell in it', () => {
  // Elastic tabstops: line 2 has no tab-terminated second cell, so `bbbb` and `yy` are in
  // different columns and do not share a width.
  const text = 'a\tbbbb\tc\nlonger\tb\nx\tyy\tzzzzzz\tw\n';
  assert.equal(
    alignColumns(text, { minWidth: 0, padding: 1 }),
    'a      bbbb c\n' + 'longer b\n' + 'x      yy zzzzzz w\n',
  );
});

test('text after the final newline is written without one, as Flush writes it', () => {
  assert.equal(alignColumns('a\tb\nc', TABLE_LAYOUT), 'a         b\nc');
  assert.equal(alignColumns('', TABLE_LAYOUT), '');
});

test('wide East Asian characters count twice', () => {
  assert.equal(displayWidth('名前'), 4);
  assert.equal(displayWidth('née'), 3);
  assert.equal(alignColumns('名前\tx\nab\ty\n', { minWidth: 0, padding: 1 }), '名前 x\nab   y\n');
});

test('property: in every block, the cells of one column end at the same display offset', () => {
  const cell = fc.stringMatching(/^[a-z ]{0,12}$/);
  fc.assert(
    fc.property(
      fc.array(fc.array(cell, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 6 }),
      (rows) => {
        // Same cell count on every row: a single block per column.
        const width = Math.min(...rows.map((r) => r.length));
        const lines = rows.map((r) => r.slice(0, width));
        const out = alignColumns(`${lines.map((l) => l.join('\t')).join('\n')}\n`, {
          minWidth: 0,
          padding: 1,
        });
        const printed = out.split('\n').slice(0, -1);
        for (let column = 0; column < width - 1; column++) {
          const ends = lines.map((l, i) => {
            const before = l.slice(0, column + 1).map((c) => c.length);
            const widths = lines.map((other) => other.slice(0, column + 1).map((c) => c.length));
            const offset = before.reduce(
              (sum, _w, k) => sum + Math.max(...widths.map((w) => w[k] ?? 0)) + 1,
              0,
            );
            assert.equal(printed[i]?.slice(offset - 1, offset), ' ');
            return offset;
          });
          assert.equal(new Set(ends).size, 1);
        }
      },
    ),
  );
});
