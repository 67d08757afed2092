import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GoTemplate, goStruct } from '../../../../src/cli/format/go-template/go-template.ts';
import { GoTime } from '../../../../src/cli/format/go-json.ts';

const data = {
  ID: 'abc123',
  Spec: {
    Name: 'web',
    Labels: { zone: 'east', app: 'shop', empty: '' },
    Mode: { Replicated: { Replicas: 3 } },
  },
  List: ['b', 'a'],
  Numbers: [1, 2, 3],
  Nothing: null,
  Zero: 0,
  Flag: true,
};

const run = (source: string, value: unknown = data): string =>
  GoTemplate.parse(source).execute(value);

test('fields, nested fields and dot print with Go formatting', () => {
  assert.equal(run('{{.ID}} {{.Spec.Name}} {{.Spec.Mode.Replicated.Replicas}}'), 'abc123 web 3');
  assert.equal(run('{{.}}', 'plain'), 'plain');
  assert.equal(run('{{.List}} {{.Numbers}} {{.Flag}} {{.Nothing}}'), '[b a] [1 2 3] true <nil>');
  assert.equal(run('{{.Spec.Labels}}'), 'map[app:shop empty: zone:east]');
  assert.equal(
    run('{{.Missing}}|{{.Missing.Deeper}}|{{.Spec.Labels.nope}}'),
    '<no value>|<no value>|<no value>',
  );
  assert.equal(
    run('{{.Status}}', goStruct('t', { Status: goStruct('s', { State: 'ready', Addr: 'x' }) })),
    '{ready x}',
  );
});

test('json encodes like Go: map keys sorted, struct order kept, no HTML escaping', () => {
  assert.equal(run('{{json .Spec.Labels}}'), '{"app":"shop","empty":"","zone":"east"}');
  assert.equal(run('{{json .List}}'), '["b","a"]');
  assert.equal(run('{{json .Missing}}'), 'null');
  assert.equal(run('{{json .}}', { B: '<&>', A: 1 }), '{"B":"<&>","A":1}');
  assert.equal(
    run('{{json .}}', goStruct('row', { Hostname: 'h', ID: 'i', Self: true })),
    '{"Hostname":"h","ID":"i","Self":true}',
  );
});

test('index reads map keys (missing keys are empty) and slice elements', () => {
  assert.equal(run('{{index .Spec.Labels "zone"}}|{{index .Spec.Labels "nope"}}'), 'east|');
  assert.equal(run('{{index .List 1}}'), 'a');
  assert.equal(run('{{index .Spec "Labels" "app"}}'), 'shop');
});

test('range over slices, maps (sorted keys) and with else; variables and $', () => {
  assert.equal(run('{{range .List}}[{{.}}]{{end}}'), '[b][a]');
  assert.equal(run('{{range $i, $v := .List}}{{$i}}={{$v}} {{end}}'), '0=b 1=a ');
  assert.equal(
    run('{{range $k, $v := .Spec.Labels}}{{$k}}:{{$v}};{{end}}'),
    'app:shop;empty:;zone:east;',
  );
  assert.equal(run('{{range $v := .Numbers}}{{$v}}{{end}}'), '123');
  assert.equal(run('{{range .Nothing}}x{{else}}none{{end}}'), 'none');
  assert.equal(run('{{range .List}}{{$.ID}}{{end}}'), 'abc123abc123');
  assert.equal(run('{{$name := .Spec.Name}}{{$name}}{{$name = "other"}} {{$name}}'), 'web other');
});

test('if / else if / else and with follow Go truth', () => {
  const truth = (value: unknown): string => run('{{if .}}T{{else}}F{{end}}', value);
  assert.deepEqual(
    [
      truth(''),
      truth('x'),
      truth(0),
      truth(2),
      truth([]),
      truth([0]),
      truth({}),
      truth({ a: 1 }),
      truth(null),
      truth(false),
    ],
    ['F', 'T', 'F', 'T', 'F', 'T', 'F', 'T', 'F', 'F'],
  );
  assert.equal(run('{{if .Zero}}a{{else if .Flag}}b{{else}}c{{end}}'), 'b');
  assert.equal(
    run('{{with .Spec}}{{.Name}}{{else}}none{{end}}|{{with .Missing}}x{{else}}none{{end}}'),
    'web|none',
  );
  assert.equal(
    run('{{if and .Flag .ID}}yes{{end}}{{if or .Zero .Nothing}}no{{end}}{{if not .Zero}}!{{end}}'),
    'yes!',
  );
  assert.equal(
    run(
      '{{if eq .Spec.Name "web" "api"}}eq{{end}} {{if ne .Zero 1}}ne{{end}} {{if lt 1 2}}lt{{end}}',
    ),
    'eq ne lt',
  );
});

test('docker functions: join, split, lower, upper, title, pad, truncate; pipes and parentheses', () => {
  assert.equal(run('{{join .List ", "}}|{{join .Spec.Labels "+"}}'), 'b, a|+east+shop');
  assert.equal(run('{{index (split "a:b:c" ":") 2}}'), 'c');
  assert.equal(
    run('{{lower "MiXed"}} {{upper .ID}} {{title "hello big-world_x"}}'),
    'mixed ABC123 Hello Big-World_x',
  );
  assert.equal(
    run('[{{pad .ID 1 2}}][{{pad "" 3 3}}] {{truncate .ID 3}} {{truncate .ID 30}}'),
    '[ abc123  ][] abc abc123',
  );
  assert.equal(
    run('{{.Spec.Name | upper}} {{.Spec.Labels | json}} {{(index .List 0) | printf "%q"}}'),
    'WEB {"app":"shop","empty":"","zone":"east"} "b"',
  );
  assert.equal(run('{{len .List}} {{len .Spec.Labels}} {{len "héllo"}}'), '2 3 6');
  assert.equal(
    run('{{printf "%-6s|%4d|%05d|%v|%t|%.2f%%" "ab" 42 7 .List true 3.14159}}'),
    'ab    |  42|00007|[b a]|true|3.14%',
  );
  assert.equal(run('{{print "a" 1 2 "b"}} {{println "x" 1}}'), 'a1 2b x 1\n');
});

test('string escapes, raw strings, comments and trim markers', () => {
  assert.equal(run('{{"a\\tb\\n"}}{{`raw\\t`}}'), 'a\tb\nraw\\t');
  assert.equal(run('a {{- /* a comment */ -}} b'), 'ab');
  assert.equal(run('x\n  {{- .ID }}\n{{- " y" -}}\n  z'), 'xabc123 yz');
  assert.equal(run('{{- "keep" }} {{ "space" -}} !'), 'keep space!');
});

test('Go times print as time.Time and encode as RFC 3339', () => {
  const value = { CreatedAt: new GoTime('2024-05-01T09:30:15.250000000Z') };
  assert.equal(
    run('{{.CreatedAt}}|{{json .CreatedAt}}', value),
    '2024-05-01 09:30:15.25 +0000 UTC|"2024-05-01T09:30:15.25Z"',
  );
});

test('header functions leave their first argument alone', () => {
  const template = GoTemplate.parse('{{upper .Name}}|{{json .Name}}|{{truncate .Name 2}}');
  const overrides = {
    upper: (v: unknown) => v,
    json: (v: unknown) => v,
    truncate: (v: unknown) => v,
  };
  assert.equal(template.execute({ Name: 'NAME' }, { overrides }), 'NAME|NAME|NAME');
});

test('a template can be executed many times and with extra functions', () => {
  const template = GoTemplate.parse('{{shout .}}', { shout: (v) => `${String(v)}!` });
  assert.equal(template.execute('a'), 'a!');
  assert.equal(template.execute('b'), 'b!');
});
