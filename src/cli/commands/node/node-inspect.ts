import { CliError } from '../../cli-error.ts';
import type { CommandContext } from '../../command-context.ts';
import { asGoValues, goMarshal } from '../../format/go-json.ts';
import { parseFormat, PRETTY_FORMAT, renderOne } from '../../format/list-format.ts';
import { minArgs } from '../../shoal-command.ts';
import type { ShoalCommand } from '../../shoal-command.ts';
import { prettyNode } from './node-pretty.ts';
import { resolveNodeReference } from './node-reference.ts';

/**
 * `shoal node inspect [--pretty | -f T] self|NODE...`: `GET /nodes/{id}` for each. Without a
 * format, all nodes as one JSON array indented by four spaces, encoded as docker re-encodes
 * them (map keys sorted, times in Go's form, HTML characters escaped); with
 * `--format`, the template's output per node; with `--pretty`, docker's human layout. Nodes
 * that fail are reported together after the others are printed (pretty output stops at
 * the first failure), with exit status 1.
 */
export function addNodeInspectCommand(node: ShoalCommand, context: CommandContext): void {
  const command = node
    .command('inspect')
    .use('[OPTIONS] self|NODE [NODE...]')
    .description('Display detailed information on one or more nodes')
    .option('-f, --format <string>', 'Format the output using the given Go template')
    .flag('--pretty', 'Print the information in a human friendly format');
  command.run(minArgs(1), async (refs) => {
    const values = command.opts<{ format?: string; pretty?: boolean }>();
    const format = values.pretty === true ? PRETTY_FORMAT : (values.format ?? '');
    if (format.startsWith(PRETTY_FORMAT) && format !== PRETTY_FORMAT) {
      throw new CliError('Cannot supply extra formatting options to the pretty template');
    }
    const api = context.api();
    const fetch = async (ref: string) => api.nodeInspect(await resolveNodeReference(api, ref));
    if (format === PRETTY_FORMAT) {
      let out = '';
      for (const ref of refs) {
        try {
          out += `${prettyNode((await fetch(ref)).node)}\n`;
        } catch (err) {
          throw new CliError((err as Error).message);
        }
      }
      context.io.stdout.write(out);
      return;
    }
    const template = format === '' ? undefined : parseTemplateOrExit(format);
    const errors: string[] = [];
    const nodes: unknown[] = [];
    let out = '';
    for (const ref of refs) {
      try {
        const node = asGoValues((await fetch(ref)).node);
        if (template === undefined) nodes.push(node);
        else out += renderOne(template, node);
      } catch (err) {
        errors.push((err as Error).message);
      }
    }
    if (template === undefined)
      context.io.stdout.write(`${goMarshal(nodes, { indent: '    ', escapeHtml: true })}\n`);
    else context.io.stdout.write(out === '' ? '\n' : out);
    if (errors.length > 0) throw new CliError(errors.join('\n'));
  });
}

/** A template docker cannot parse fails the command before any node is fetched. */
function parseTemplateOrExit(format: string): ReturnType<typeof parseFormat> {
  try {
    return parseFormat(format);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}
