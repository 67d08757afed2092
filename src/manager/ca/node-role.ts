/** A node's role in the cluster, as its certificate states it. */
export type NodeRole = 'manager' | 'worker';

/** The certificate OU for each role, Swarm's names. */
export const roleOrganizationalUnit: Readonly<Record<NodeRole, string>> = {
  manager: 'swarm-manager',
  worker: 'swarm-worker',
};

/** The role whose OU is `ou`, or `undefined` for any other text. */
export function roleFromOrganizationalUnit(ou: string): NodeRole | undefined {
  if (ou === roleOrganizationalUnit.manager) return 'manager';
  if (ou === roleOrganizationalUnit.worker) return 'worker';
  return undefined;
}
