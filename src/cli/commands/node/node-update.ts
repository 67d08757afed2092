import type { Labels } from '../../../api/objects/common.ts';
import type { EngineNode, NodeAvailability, NodeRole } from '../../../api/objects/node.ts';
import { CliError } from '../../cli-error.ts';
import type { NodeSpecBody } from '../../client/engine-api.ts';
import type { CommandContext } from '../../command-context.ts';
import { collect } from '../../options/flag-parsers.ts';
import { exactArgs, minArgs } from '../../shoal-command.ts';
import type { ShoalCommand } from '../../shoal-command.ts';

/** A change to one node's spec; `undefined` means "nothing to do" (role already set). */
type SpecChange = (node: EngineNode) => NodeSpecBody | undefined;

const sorted = (labels: Labels): Labels =>
  Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/**
 * The spec to send back, as docker's client re-encodes the node it read: `Name` only when
 * set, `Labels` always (`null` when the node has none, keys sorted), then `Role` and
 * `Availability` when set.
 */
export function specBody(node: EngineNode, changes: Partial<NodeSpecBody> = {}): NodeSpecBody {
  const spec = { ...node.Spec, ...changes };
  return {
    ...(spec.Name ? { Name: spec.Name } : {}),
    Labels: spec.Labels === undefined || spec.Labels === null ? null : sorted(spec.Labels),
    ...(spec.Role ? { Role: spec.Role } : {}),
    ...(spec.Availability ? { Availability: spec.Availability } : {}),
  };
}

/**
 * For each reference: `GET /nodes/{ref}`, apply `change`, and `POST
 * /nodes/{id}/update?version=N` with the whole spec; `success` reports each update. Stops
 * at the first failure, as docker does.
 */
async function updateNodes(
  context: CommandContext,
  refs: readonly string[],
  change: SpecChange,
  success: (ref: string) => void,
): Promise<void> {
  const api = context.api();
  for (const ref of refs) {
    const { node } = await api.nodeInspect(ref);
    const spec = change(node);
    if (spec === undefined) continue;
    await api.nodeUpdate(node.ID, node.Version.Index, spec);
    success(ref);
  }
}

/** `key=value` strings into labels; a bare `key` gets an empty value (docker's `ConvertKVStringsToMap`). */
function labelsFrom(values: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const value of values) {
    const separator = value.indexOf('=');
    if (separator < 0) labels[value] = '';
    else labels[value.slice(0, separator)] = value.slice(separator + 1);
  }
  return labels;
}

interface UpdateValues {
  readonly role?: string;
  readonly availability?: string;
  readonly labelAdd?: readonly string[];
  readonly labelRm?: readonly string[];
}

/**
 * `shoal node update [--availability A] [--role R] [--label-add k=v] [--label-rm k] NODE`;
 * prints the node reference. Labels are always sent (an empty map when the node had
 * none); removing a label the node lacks fails with docker's message.
 */
export function addNodeUpdateCommand(node: ShoalCommand, context: CommandContext): void {
  const command = node
    .command('update')
    .use('[OPTIONS] NODE')
    .description('Update a node')
    .option('--role <string>', 'Role of the node ("worker"|"manager")')
    .option('--availability <string>', 'Availability of the node ("active"|"pause"|"drain")')
    .option('--label-add <list>', 'Add or update a node label (key=value)', collect)
    .option('--label-rm <list>', 'Remove a node label if exists', collect);
  command.run(exactArgs(1), async ([ref = '']) => {
    const values = command.opts<UpdateValues>();
    const change: SpecChange = (current) => {
      const labels: Record<string, string> = {
        ...current.Spec.Labels,
        ...labelsFrom(values.labelAdd ?? []),
      };
      for (const key of values.labelRm ?? []) {
        if (!Object.hasOwn(labels, key))
          throw new CliError(`key ${key} doesn't exist in node's labels`);
        delete labels[key];
      }
      return specBody(current, {
        Labels: labels,
        ...(command.changed('role') ? { Role: values.role as NodeRole } : {}),
        ...(command.changed('availability')
          ? { Availability: values.availability as NodeAvailability }
          : {}),
      });
    };
    await updateNodes(context, [ref], change, (r) => context.io.stdout.write(`${r}\n`));
  });
}

/**
 * `shoal node promote NODE...` and `shoal node demote NODE...`: set the role through
 * `node update`'s requests, saying "Node X promoted to a manager in the swarm." /
 * "Manager X demoted in the swarm.", or "Node <id> is already a manager|worker." when
 * there is nothing to do.
 */
export function addNodeRoleCommands(node: ShoalCommand, context: CommandContext): void {
  const roles = [
    {
      name: 'promote',
      role: 'manager',
      description: 'Promote one or more nodes to manager in the swarm',
    },
    {
      name: 'demote',
      role: 'worker',
      description: 'Demote one or more nodes from manager in the swarm',
    },
  ] as const;
  for (const { name, role, description } of roles) {
    const command = node.command(name).use('NODE [NODE...]').description(description);
    command.run(minArgs(1), async (refs) => {
      const out = context.io.stdout;
      const change: SpecChange = (current) => {
        if (current.Spec.Role === role) {
          out.write(`Node ${current.ID} is already a ${role}.\n`);
          return undefined;
        }
        return specBody(current, { Role: role });
      };
      const done = (ref: string): void =>
        out.write(
          role === 'manager'
            ? `Node ${ref} promoted to a manager in the swarm.\n`
            : `Manager ${ref} demoted in the swarm.\n`,
        );
      await updateNodes(context, refs, change, done);
    });
  }
}
