import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  GoTemplate,
  goStruct,
  TemplateError,
} from '../../../../src/cli/format/go-template/go-template.ts';

const parseError = (source: string): string => {
  try {
    GoTemplate.parse(source);
  } catch (err) {
    assert.ok(err instanceof TemplateError);
    return err.message;
  }
  assert.fail(`no error for ${source}`);
};

const execError = (source: string, data: unknown, missingKeyError = false): string => {
  const result = GoTemplate.parse(source).executePartial(data, { missingKeyError });
  assert.ok(result.error instanceof TemplateError, `no error for ${source}`);
  return result.error.message;
};

test('parse errors read as Go text/template errors, with the line', () => {
  assert.equal(parseError('{{.ID'), 'template: :1: unclosed action');
  assert.equal(parseError('a\n{{end}}'), 'template: :2: unexpected {{end}}');
  assert.equal(parseError('{{if .A}}x'), 'template: :1: unexpected EOF');
  assert.equal(parseError('{{else}}'), 'template: :1: unexpected {{else}}');
  assert.equal(parseError('{{nope .ID}}'), 'template: :1: function "nope" not defined');
  assert.equal(parseError('{{json.}}'), 'template: :1: unexpected <.> in operand');
  assert.equal(parseError('{{.Labels"k"}}'), `template: :1: bad character U+0022 '"'`);
  assert.equal(parseError('{{#}}'), "template: :1: unrecognized character in action: U+0023 '#'");
  assert.equal(parseError('{{}}'), 'template: :1: missing value for command');
  assert.equal(
    parseError('{{.A | "x"}}'),
    'template: :1: non executable command in pipeline stage 2',
  );
  assert.equal(parseError('{{"open}}'), 'template: :1: unterminated quoted string');
  assert.equal(parseError('{{/* open }}'), 'template: :1: unclosed comment');
});

test('unsupported Go template features are named in the error', () => {
  for (const keyword of ['define', 'template', 'block', 'break', 'continue']) {
    assert.equal(
      parseError(`{{${keyword} "x"}}`),
      `template: :1: {{${keyword}}} is not supported in shoal templates`,
    );
  }
  assert.match(execError('{{printf "%e" 1.5}}', {}), /printf verb %e is not supported/);
});

test('execution errors point at the node, as Go prints them', () => {
  const row = goStruct('*node.nodeContext', { ID: 'x' });
  assert.equal(
    execError('{{.Foo}}', row),
    'template: :1:2: executing "" at <.Foo>: can\'t evaluate field Foo in type *node.nodeContext',
  );
  assert.equal(
    execError('{{index .L 5}}', { L: [1] }),
    'template: :1:2: executing "" at <index .L 5>: error calling index: index out of range: 5',
  );
  assert.match(execError('{{.A.B}}', { A: 'text' }), /can't evaluate field B in type string/);
  assert.match(execError('{{.A.B}}', { A: null }), /nil pointer evaluating interface \{\}\.B/);
  assert.match(
    execError('{{upper .N}}', { N: 3 }),
    /wrong type for value; expected string; got int/,
  );
  assert.match(execError('{{.ID 1}}', { ID: 'x' }), /can't give argument to non-function \.ID/);
  assert.match(execError('{{$x}}', {}), /undefined variable: \$x/);
  assert.match(execError('{{range .S}}{{end}}', { S: 'str' }), /range can't iterate over str/);
  assert.equal(
    execError('{{.Nope}}', { ID: 1 }, true),
    'template: :1:2: executing "" at <.Nope>: map has no entry for key "Nope"',
  );
});

test('output written before a failure is kept by executePartial', () => {
  const result = GoTemplate.parse('ok {{.A.B}} never').executePartial({ A: 'x' });
  assert.equal(result.output, 'ok ');
  assert.ok(result.error !== undefined);
});
