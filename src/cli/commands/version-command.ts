import type { SystemVersion } from '../../server/routes/system-version.ts';
import type { CommandContext } from '../command-context.ts';
import { alignColumns } from '../format/tab-writer.ts';
import { parseFormat, renderOne } from '../format/list-format.ts';
import { goStruct } from '../format/go-template/go-template.ts';
import { noArgs } from '../shoal-command.ts';
import type { ShoalCommand } from '../shoal-command.ts';

/** Facts about this CLI build shown by `shoal version`. */
export interface ClientFacts {
  readonly version: string;
  readonly gitCommit?: string;
  readonly buildTime?: string;
}

/** What `shoal version` shows of the client (docker's `clientVersion`, in its field names). */
export interface ClientVersion {
  readonly Platform: { readonly Name: string };
  readonly Version: string;
  readonly APIVersion: string;
  readonly DefaultAPIVersion: string;
  readonly GoVersion: string;
  readonly GitCommit: string;
  readonly BuildTime: string;
  readonly Os: string;
  readonly Arch: string;
  readonly Context: string;
}

/** Node's architecture names in Go's spelling, as `OS/Arch` shows them. */
const GO_ARCH: Readonly<Record<string, string>> = {
  x64: 'amd64',
  ia32: '386',
  arm64: 'arm64',
  arm: 'arm',
};

/**
 * docker's `version` layout: a "Client:" section, then "Server:" with one block per
 * component (the Engine's fields from its Details, others' details sorted by key), aligned
 * by the tab writer with min width 20 and padding 1. Pure.
 */
export function renderVersion(client: ClientVersion, server: SystemVersion | undefined): string {
  const downgraded =
    client.APIVersion !== client.DefaultAPIVersion
      ? ` (downgraded from ${client.DefaultAPIVersion})`
      : '';
  const lines = [
    `Client:${client.Platform.Name === '' ? '' : ` ${client.Platform.Name}`}`,
    ` Version:\t${client.Version}`,
    ` API version:\t${client.APIVersion}${downgraded}`,
    ` Go version:\t${client.GoVersion}`,
    ` Git commit:\t${client.GitCommit}`,
    ` Built:\t${client.BuildTime}`,
    ` OS/Arch:\t${client.Os}/${client.Arch}`,
    ` Context:\t${client.Context}`,
  ];
  if (server !== undefined) {
    const name = server.Platform?.Name ?? '';
    lines.push('', `Server:${name === '' ? '' : ` ${name}`}`);
    for (const component of server.Components ?? []) {
      const details = component.Details ?? {};
      const detail = (key: string): string => details[key] ?? '';
      lines.push(` ${component.Name}:`);
      if (component.Name === 'Engine') {
        lines.push(
          `  Version:\t${component.Version}`,
          `  API version:\t${detail('ApiVersion')} (minimum version ${detail('MinAPIVersion')})`,
          `  Go version:\t${detail('GoVersion')}`,
          `  Git commit:\t${detail('GitCommit')}`,
          `  Built:\t${detail('BuildTime')}`,
          `  OS/Arch:\t${detail('Os')}/${detail('Arch')}`,
          `  Experimental:\t${detail('Experimental')}`,
        );
      } else {
        lines.push(`  Version:\t${component.Version}`);
        for (const key of Object.keys(details).sort()) lines.push(`  ${key}:\t${detail(key)}`);
      }
    }
  }
  return alignColumns(`${lines.join('\n')}\n`, { minWidth: 20, padding: 1 });
}

/**
 * `shoal version [--format T]`: the client's facts and, when a daemon answers
 * `GET /version`, the server's. When none answers, the client part is printed and the
 * connection error is reported (exit status 1), as docker does.
 */
export function addVersionCommand(
  program: ShoalCommand,
  context: CommandContext,
  facts: ClientFacts,
): void {
  const command = program
    .command('version')
    .use('[OPTIONS]')
    .description('Show the shoal version information')
    .option('-f, --format <string>', 'Format the output using the given Go template');
  command.run(noArgs, async () => {
    const format = command.opts<{ format?: string }>().format;
    const template = format === undefined ? undefined : parseFormat(format);
    const api = context.api();
    let server: SystemVersion | undefined;
    let failure: Error | undefined;
    try {
      server = await api.version();
    } catch (err) {
      failure = err instanceof Error ? err : new Error(String(err));
    }
    const negotiated =
      server === undefined ? api.client.maxApiVersion : await api.client.apiVersion();
    const client: ClientVersion = {
      Platform: { Name: 'shoal' },
      Version: facts.version,
      APIVersion: negotiated,
      DefaultAPIVersion: api.client.maxApiVersion,
      GoVersion: `node ${process.version}`,
      GitCommit: facts.gitCommit ?? '',
      BuildTime: facts.buildTime ?? '',
      Os: process.platform,
      Arch: GO_ARCH[process.arch] ?? process.arch,
      Context: 'default',
    };
    const out =
      template === undefined
        ? renderVersion(client, server)
        : alignColumns(
            renderOne(
              template,
              goStruct('command.versionInfo', { Client: client, Server: server ?? null }),
            ),
            { minWidth: 20, padding: 1 },
          );
    context.io.stdout.write(out);
    if (failure !== undefined) throw failure;
  });
}
