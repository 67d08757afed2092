import { createHash } from 'node:crypto';
import type { EngineSwarm, SwarmSpec } from '../../../api/objects/cluster.ts';
import type { EngineNode } from '../../../api/objects/node.ts';
import { CliError } from '../../cli-error.ts';
import type { CommandContext } from '../../command-context.ts';
import { pemFileFlag } from '../../options/external-ca.ts';
import { noArgs } from '../../shoal-command.ts';
import type { ShoalCommand } from '../../shoal-command.ts';
import { addSwarmCaFlags, mergeCaFlags } from './swarm-flags.ts';
import type { SwarmFlagValues } from './swarm-flags.ts';

interface CaValues extends SwarmFlagValues {
  readonly rotate?: boolean;
  readonly caCert?: string;
  readonly caKey?: string;
  readonly detach?: boolean;
  readonly quiet?: boolean;
}

/** How often rotation progress is polled, as docker polls it. */
const POLL_MS = 200;

/**
 * `shoal swarm ca`: prints the cluster's root CA certificate (`GET /swarm`). With
 * `--rotate` it sends `POST /swarm/update` with the new signing CA (or a bumped
 * `ForceRotate`), then, unless `-d`, waits for every node to hold a certificate from the
 * new root, printing progress lines unless `-q`, and prints the new root.
 */
export function addSwarmCaCommand(swarm: ShoalCommand, context: CommandContext): void {
  const command = swarm
    .command('ca')
    .use('[OPTIONS]')
    .description('Display and rotate the root CA');
  addSwarmCaFlags(command);
  command
    .flag(
      '--rotate',
      'Rotate the swarm CA - if no certificate or key are provided, new ones will be generated',
    )
    .option(
      '--ca-cert <pem-file>',
      'Path to the PEM-formatted root CA certificate to use for the new cluster',
      pemFileFlag,
    )
    .option(
      '--ca-key <pem-file>',
      'Path to the PEM-formatted root CA key to use for the new cluster',
      pemFileFlag,
    )
    .flag('-d, --detach', 'Exit immediately instead of waiting for the root rotation to converge')
    .flag('-q, --quiet', 'Suppress progress output');
  command.run(noArgs, async () => {
    const values = command.opts<CaValues>();
    const api = context.api();
    const current = await api.swarmInspect();
    if (values.rotate !== true) {
      for (const [key, flag] of [
        ['caCert', 'ca-cert'],
        ['caKey', 'ca-key'],
        ['certExpiry', 'cert-expiry'],
        ['externalCa', 'external-ca'],
      ] as const) {
        if (command.changed(key))
          throw new CliError(`\`--${flag}\` flag requires the \`--rotate\` flag to update the CA`);
      }
      printTrustRoot(context, current);
      return;
    }
    checkRotationFlags(command, values);
    await api.swarmUpdate(current.Version.Index, rotatedSpec(current.Spec, command, values));
    if (values.detach === true) return;
    await waitForRotation(context, values.quiet === true);
    printTrustRoot(context, await api.swarmInspect());
  });
}

function checkRotationFlags(command: ShoalCommand, values: CaValues): void {
  const externalCas = values.externalCa ?? [];
  if (command.changed('externalCa') && externalCas.length > 0 && !command.changed('caCert')) {
    throw new CliError(
      "rotating to an external CA requires the `--ca-cert` flag to specify the external CA's cert - " +
        'to add an external CA with the current root CA certificate, use the `update` command instead',
    );
  }
  if (command.changed('caCert') && externalCas.length === 0 && !command.changed('caKey')) {
    throw new CliError(
      'the --ca-cert flag requires that a --ca-key flag and/or --external-ca flag be provided as well',
    );
  }
}

function rotatedSpec(spec: SwarmSpec, command: ShoalCommand, values: CaValues): SwarmSpec {
  const caCert = values.caCert ?? '';
  const caKey = values.caKey ?? '';
  const merged = mergeCaFlags(spec, command, values, caCert === '' ? undefined : caCert);
  const ca = { ...merged.CAConfig, SigningCACert: caCert, SigningCAKey: caKey };
  if (caCert === '' && caKey === '') ca.ForceRotate = (ca.ForceRotate ?? 0) + 1;
  return { ...merged, CAConfig: ca };
}

function printTrustRoot(context: CommandContext, swarm: EngineSwarm): void {
  const root = swarm.TLSInfo?.TrustRoot ?? '';
  if (root === '') throw new CliError('No CA information available');
  context.io.stdout.write(`${root.trim()}\n`);
}

/** Polls `GET /swarm` and `GET /nodes` until every node has the new certificate and root. */
async function waitForRotation(context: CommandContext, quiet: boolean): Promise<void> {
  const api = context.api();
  let shown = '';
  for (;;) {
    const swarm = await api.swarmInspect();
    const nodes = await api.nodeList();
    const progress = rotationProgress(swarm, nodes);
    if (!quiet && progress.text !== shown) {
      context.io.stdout.write(progress.text);
      shown = progress.text;
    }
    if (progress.done) return;
    await new Promise<void>((resolve) => context.io.clock.setTimer(POLL_MS, resolve));
  }
}

/** The progress lines of a root rotation and whether it is complete. Pure. */
export function rotationProgress(
  swarm: EngineSwarm,
  nodes: readonly EngineNode[],
): { text: string; done: boolean } {
  const desired = swarm.TLSInfo ?? {};
  let certs = 0;
  let roots = 0;
  for (const node of nodes) {
    const tls = node.Description?.TLSInfo ?? {};
    if (
      tls.CertIssuerPublicKey === desired.CertIssuerPublicKey &&
      tls.CertIssuerSubject === desired.CertIssuerSubject
    )
      certs++;
    if (tls.TrustRoot === desired.TrustRoot) roots++;
  }
  const total = nodes.length;
  const certsDone = certs === total && swarm.RootRotationInProgress !== true;
  const shownRoots = certsDone ? roots : 0;
  const digest = createHash('sha256')
    .update(desired.TrustRoot ?? '')
    .digest('hex');
  const text =
    `desired root digest: sha256:${digest}\n` +
    `  rotated TLS certificates ${certs}/${total} nodes\n` +
    `  rotated CA certificates ${shownRoots}/${total} nodes\n`;
  return { text, done: certsDone && roots === total };
}
