import type { Node } from '../../api/objects/node.ts';
import type { Cidr, IpAddress } from '../../api/validate/cidr.ts';
import { cidrContains, parseCidr, parseIp } from '../../api/validate/cidr.ts';
import type { Constraint } from '../../api/validate/constraints.ts';
import { parseConstraint } from '../../api/validate/constraints.ts';

/** A compiled set of placement constraints: true when the node satisfies all of them. */
export type NodePredicate = (node: Node) => boolean;

const NODE_LABEL_PREFIX = 'node.labels.';
const ENGINE_LABEL_PREFIX = 'engine.labels.';

/** The node's address without a port (`Status.Addr` may carry one). */
function nodeAddress(node: Node): IpAddress | undefined {
  const addr = node.Status.Addr ?? '';
  const direct = parseIp(addr);
  if (direct) return direct;
  const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(addr);
  if (bracket?.[1] !== undefined) return parseIp(bracket[1]);
  const colon = addr.lastIndexOf(':');
  return colon > 0 ? parseIp(addr.slice(0, colon)) : undefined;
}

/** Reads the attribute a constraint key names; a missing one reads as '' (Swarm's rule). */
function attributeReader(key: string): ((node: Node) => string) | undefined {
  const lower = key.toLowerCase();
  switch (lower) {
    case 'node.id':
      return (node) => node.id;
    case 'node.hostname':
      return (node) => node.Description?.Hostname ?? '';
    case 'node.role':
      return (node) => node.Role;
    case 'node.platform.os':
      return (node) => node.Description?.Platform?.OS ?? '';
    case 'node.platform.arch':
      return (node) => node.Description?.Platform?.Architecture ?? '';
  }
  // Only the prefix is case-insensitive: label names keep their case.
  if (lower.startsWith(NODE_LABEL_PREFIX) && key.length > NODE_LABEL_PREFIX.length) {
    const label = key.slice(NODE_LABEL_PREFIX.length);
    return (node) => node.Spec.Labels?.[label] ?? '';
  }
  if (lower.startsWith(ENGINE_LABEL_PREFIX) && key.length > ENGINE_LABEL_PREFIX.length) {
    const label = key.slice(ENGINE_LABEL_PREFIX.length);
    return (node) => node.Description?.Engine?.Labels?.[label] ?? '';
  }
  return undefined;
}

function ipPredicate(constraint: Constraint): NodePredicate {
  const wanted = constraint.operator === '==';
  const ip = parseIp(constraint.value);
  const cidr: Cidr | undefined = ip ? undefined : parseCidr(constraint.value);
  // A malformed address or block never matches, whatever the operator (Swarm's rule).
  if (!ip && !cidr) return () => false;
  return (node) => {
    const address = nodeAddress(node);
    let inside = false;
    if (address && ip) inside = address.family === ip.family && address.value === ip.value;
    else if (address && cidr) inside = cidrContains(cidr, address);
    return inside === wanted;
  };
}

function compileOne(constraint: Constraint): NodePredicate {
  if (constraint.key.toLowerCase() === 'node.ip') return ipPredicate(constraint);
  const read = attributeReader(constraint.key);
  if (!read) return () => false;
  const value = constraint.value.toLowerCase();
  const wanted = constraint.operator === '==';
  return (node) => (read(node).toLowerCase() === value) === wanted;
}

/**
 * Compiles placement constraints (`key==value`, `key!=value`; grammar in
 * `src/api/validate/constraints.ts`) into one predicate, with Swarm's matching rules: keys
 * and values compare case-insensitively except label names; a missing hostname, platform
 * field or label reads as the empty string (so `!=` holds on a node without it); `node.ip`
 * takes an address or a CIDR block, compared with `Status.Addr`, and a malformed one fails
 * every node; an unknown key fails every node.
 *
 * Returns `undefined` when there is nothing to check: no constraints, or one that does not
 * parse (validation rejects those first; Swarm then disables the constraint filter).
 */
export function compileConstraints(
  expressions: readonly string[] | undefined,
): NodePredicate | undefined {
  if (!expressions || expressions.length === 0) return undefined;
  const predicates: NodePredicate[] = [];
  for (const expression of expressions) {
    const parsed = parseConstraint(expression);
    if (typeof parsed === 'string') return undefined;
    predicates.push(compileOne(parsed));
  }
  return (node) => predicates.every((predicate) => predicate(node));
}
