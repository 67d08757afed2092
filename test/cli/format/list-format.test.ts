import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goStruct } from '../../../src/cli/format/go-template/go-template.ts';
import {
  FormatError,
  isTableFormat,
  renderList,
  templateText,
} from '../../../src/cli/format/list-format.ts';

const header = { ID: 'ID', Name: 'NAME', Status: 'STATUS' };
const rows = [
  goStruct('*x.row', { ID: 'a1', Name: 'alpha', Status: 'Ready' }),
  goStruct('*x.row', { ID: 'b2222222222222', Name: 'b', Status: 'Down' }),
];

test('format values become templates as docker makes them', () => {
  assert.equal(templateText('table {{.ID}}\\t{{.Name}}'), '{{.ID}}\t{{.Name}}');
  assert.equal(templateText('  {{.ID}}\\n  '), '{{.ID}}\n');
  assert.equal(templateText('json'), '{{json .}}');
  assert.equal(templateText('table'), '');
  assert.ok(isTableFormat('table {{.ID}}'));
  assert.ok(!isTableFormat('{{.ID}}'));
});

test('a table gets a header rendered from the column names and aligned columns', () => {
  assert.equal(
    renderList('table {{.ID}}\\t{{.Name}}\\t{{.Status}}', header, rows),
    'ID               NAME      STATUS\n' +
      'a1               alpha     Ready\n' +
      'b2222222222222   b         Down\n',
  );
});

test('header functions keep column names intact; unknown header fields print <no value>', () => {
  assert.equal(
    renderList('table {{upper .Name}}\\t{{json .Status}}', header, rows),
    'NAME      STATUS\n' + 'ALPHA     "Ready"\n' + 'B         "Down"\n',
  );
  const extra = [goStruct('*x.row', { ID: 'a1', Extra: 'e' })];
  assert.equal(
    renderList('table {{.ID}}\\t{{.Extra}}', header, extra),
    'ID        <no value>\na1        e\n',
  );
});

test('a table with no rows prints just its header', () => {
  assert.equal(renderList('table {{.ID}}\\t{{.Name}}', header, []), 'ID        NAME\n');
});

test('non-table formats print one line per row, tabs untouched', () => {
  assert.equal(renderList('{{.ID}}\\t{{.Name}}', header, rows), 'a1\talpha\nb2222222222222\tb\n');
  assert.equal(
    renderList('json', header, rows.slice(0, 1)),
    '{"ID":"a1","Name":"alpha","Status":"Ready"}\n',
  );
  assert.equal(renderList('{{.ID}}', header, []), '');
});

test('bad templates and failing rows are "template parsing error"s, with nothing printed', () => {
  assert.throws(
    () => renderList('{{.ID', header, rows),
    (err: unknown) => {
      assert.ok(err instanceof FormatError);
      assert.equal(err.message, 'template parsing error: template: :1: unclosed action');
      return true;
    },
  );
  assert.throws(() => renderList('table {{.Nope}}', header, rows), {
    message:
      'template parsing error: template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type *x.row',
  });
});
