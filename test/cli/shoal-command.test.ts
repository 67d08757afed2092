import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from './support/run-cli.ts';

// No daemon is needed: every case fails before a request would be made.
const shoal = (...argv: string[]) => runCli(argv, { host: 'unix:///nonexistent/shoal.sock' });

test("argument counts are checked with docker's messages and exit status 1", async () => {
  const exact = await shoal('node', 'update');
  assert.equal(exact.code, 1);
  assert.equal(
    exact.stderr,
    '"shoal node update" requires exactly 1 argument.\nSee \'shoal node update --help\'.\n\nUsage:  shoal node update [OPTIONS] NODE\n\nUpdate a node\n',
  );
  const two = await shoal('node', 'update', 'a', 'b');
  assert.match(two.stderr, /^"shoal node update" requires exactly 1 argument\./);
  const min = await shoal('node', 'promote');
  assert.equal(
    min.stderr,
    '"shoal node promote" requires at least 1 argument.\nSee \'shoal node promote --help\'.\n\nUsage:  shoal node promote NODE [NODE...]\n\nPromote one or more nodes to manager in the swarm\n',
  );
  const none = await shoal('node', 'ls', 'extra');
  assert.equal(
    none.stderr,
    '"shoal node ls" accepts no arguments.\nSee \'shoal node ls --help\'.\n\nUsage:  shoal node ls [OPTIONS]\n\nList nodes in the swarm\n',
  );
  const inspect = await shoal('node', 'inspect');
  assert.match(
    inspect.stderr,
    /^"shoal node inspect" requires at least 1 argument\.\n.*\n\nUsage: {2}shoal node inspect \[OPTIONS\] self\|NODE \[NODE\.\.\.\]\n/,
  );
  const token = await shoal('swarm', 'join-token');
  assert.match(token.stderr, /^"shoal swarm join-token" requires exactly 1 argument\.\n/);
});

test("flag errors read as pflag's and exit with 125", async () => {
  const cases: [string[], string][] = [
    [['node', 'ls', '--foo'], "unknown flag: --foo\nSee 'shoal node ls --help'.\n"],
    [['node', 'ls', '-x'], "unknown shorthand flag: 'x' in -x\nSee 'shoal node ls --help'.\n"],
    [['node', 'ls', '--format'], "flag needs an argument: --format\nSee 'shoal node ls --help'.\n"],
    [
      ['node', 'ls', '-f', 'nofilter'],
      'invalid argument "nofilter" for "-f, --filter" flag: bad format of filter (expected name=value)\nSee \'shoal node ls --help\'.\n',
    ],
    [
      ['swarm', 'init', '--cert-expiry', '3d'],
      'invalid argument "3d" for "--cert-expiry" flag: time: unknown unit "d" in duration "3d"\nSee \'shoal swarm init --help\'.\n',
    ],
    [
      ['swarm', 'init', '--task-history-limit', 'x'],
      'invalid argument "x" for "--task-history-limit" flag: strconv.ParseInt: parsing "x": invalid syntax\nSee \'shoal swarm init --help\'.\n',
    ],
    [
      ['swarm', 'init', '--max-snapshots', '-1'],
      'invalid argument "-1" for "--max-snapshots" flag: strconv.ParseUint: parsing "-1": invalid syntax\nSee \'shoal swarm init --help\'.\n',
    ],
  ];
  for (const [argv, stderr] of cases) {
    const run = await shoal(...argv);
    assert.equal(run.stderr, stderr, argv.join(' '));
    assert.equal(run.code, 125, argv.join(' '));
  }
});

test('unknown commands are refused; a group alone prints its help', async () => {
  const root = await shoal('frobnicate');
  assert.equal(root.code, 1);
  assert.equal(root.stderr, "shoal: 'frobnicate' is not a shoal command.\nSee 'shoal --help'\n");
  const sub = await shoal('node', 'frob');
  assert.equal(
    sub.stderr,
    "shoal node: 'frob' is not a shoal node command.\nSee 'shoal node --help'\n",
  );
  const group = await shoal('swarm');
  assert.equal(group.code, 0);
  assert.match(group.stderr, /^Usage: shoal swarm /);
  assert.match(group.stderr, /\n {2}init \[options\] +Initialize a swarm\n/);
  const help = await shoal('node', 'ls', '--help');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: shoal node ls\|list \[OPTIONS\]\n\nList nodes in the swarm\n/);
});

test('the daemon address comes from -H, which may follow the command', async () => {
  const run = await runCli(['node', 'ls', '-H', 'unix:///nonexistent/other.sock'], {
    host: 'unix:///nonexistent/shoal.sock',
  });
  assert.equal(
    run.stderr,
    'Cannot connect to the shoal daemon at unix:///nonexistent/other.sock. Is the shoal daemon running?\n',
  );
  const bad = await runCli(['-H', 'ssh://x', 'node', 'ls']);
  assert.equal(bad.stderr, 'Invalid bind address format: ssh://x\n');
});
