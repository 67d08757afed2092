#!/usr/bin/env node
// The shoal command. It runs the TypeScript sources through tsx, so a checkout works right
// after `npm install` with no build step. The CLI tree comes from src/cli; the daemon, which
// sits above it in the layers, adds `shoal daemon`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const { addDaemonCommand } = await import('../src/daemon/command.ts');
process.exitCode = await main(process.argv.slice(2), undefined, addDaemonCommand);
