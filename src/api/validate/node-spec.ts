import type { NodeSpec } from '../objects/node.ts';
import { NODE_AVAILABILITIES, NODE_ROLES } from '../objects/node.ts';
import type { Problem } from './spec-error.ts';
import { checkLabels } from './labels.ts';
import { checkOneOf, firstProblem } from './spec-error.ts';

/**
 * Checks a node spec of `POST /nodes/{id}/update` (a full replacement): `Role` must be
 * `worker` or `manager` and `Availability` `active`, `pause` or `drain`, both required as
 * in Docker (`invalid Role: "x"`, `invalid Availability: "x"`); labels must map strings to
 * strings. Values are case-sensitive, as the Engine API documents them.
 */
export function validateNodeSpec(spec: NodeSpec): Problem {
  return firstProblem([
    () =>
      checkOneOf('Role', spec.Role ?? '', NODE_ROLES, (v) => `invalid Role: ${JSON.stringify(v)}`),
    () =>
      checkOneOf(
        'Availability',
        spec.Availability ?? '',
        NODE_AVAILABILITIES,
        (v) => `invalid Availability: ${JSON.stringify(v)}`,
      ),
    () => checkLabels('Labels', spec.Labels),
  ]);
}
