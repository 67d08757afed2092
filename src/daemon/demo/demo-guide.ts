import { DEMO_SERVICE } from './demo-service.ts';

/** The heading the demo prints once the service runs (tests wait for it). */
export const TRY_NEXT_HEADING = 'Try next, in another terminal:';

/** What {@link demoGuide} describes. */
export interface DemoGuideFacts {
  readonly dir: string;
  /** `-H` of each node, in start order; the first one is shown in the commands. */
  readonly hosts: readonly { readonly hostname: string; readonly url: string }[];
  /** A node the user may kill to watch its tasks move: its hostname and pid. */
  readonly victim: { readonly hostname: string; readonly pid: number } | undefined;
  readonly replicas: number;
  /** The cluster's heartbeat period in seconds (a crashed node is down one period later). */
  readonly heartbeatSeconds: number;
  readonly keep: boolean;
}

/**
 * The text printed once the demo's service has converged: where the sockets are, then the
 * exact commands to try (shoal's CLI and docker's, against the same socket), then how to
 * stop. Pure.
 */
export function demoGuide(facts: DemoGuideFacts): string {
  const first = facts.hosts[0];
  if (first === undefined) throw new Error('demoGuide: no nodes');
  const sockets = facts.hosts.map((h) => `  ${h.hostname}  ${h.url}`);
  const more = facts.replicas + 2;
  const lines = [
    `Every node is a manager and runs tasks; any socket answers every command:`,
    ...sockets,
    '',
    TRY_NEXT_HEADING,
    '',
    `  export SHOAL_HOST=${first.url}`,
    tryLine('npx shoal node ls', 'three managers, one leader'),
    tryLine(`npx shoal service ps ${DEMO_SERVICE}`, 'which task runs where'),
    tryLine(`npx shoal service logs -f ${DEMO_SERVICE}`, '"hello from ..." every 2 s per task'),
    tryLine(`npx shoal service scale ${DEMO_SERVICE}=${more}`, `${more} replicas over the nodes`),
    tryLine(
      `npx shoal service update --env-add GREETING=hola ${DEMO_SERVICE}`,
      'a rolling update, one task at a time',
    ),
  ];
  if (facts.victim !== undefined) {
    // Its connection drops with it: the leader marks it down one heartbeat period later.
    // Tasks lost with their node restart at once; the restart delay only damps crash loops.
    const down = Math.round(facts.heartbeatSeconds);
    lines.push(
      tryLine(
        `kill -9 ${facts.victim.pid}`,
        `crash ${facts.victim.hostname}: down after ~${down} s,`,
      ),
      tryLine(
        `npx shoal service ps ${DEMO_SERVICE}`,
        'then its tasks start again on the others at once',
      ),
    );
  }
  lines.push(
    '',
    'The docker CLI speaks the same API:',
    '',
    `  docker -H ${first.url} node ls`,
    `  docker -H ${first.url} service ps ${DEMO_SERVICE}`,
    `  DOCKER_HOST=${first.url} docker service logs -f ${DEMO_SERVICE}`,
    '',
    `Daemon logs: ${facts.dir}/<node>.log`,
    `Press Ctrl-C to stop the cluster${facts.keep ? ` (${facts.dir} is kept)` : ` and remove ${facts.dir}`}.`,
  );
  return `${lines.join('\n')}\n`;
}

/** A command and its comment, the comments lined up in one column. */
function tryLine(command: string, comment: string): string {
  return `  ${command.padEnd(56)}# ${comment}`;
}
