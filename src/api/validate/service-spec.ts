import type { ServiceSpec } from '../objects/service-spec.ts';
import { isJobMode } from '../objects/service-spec.ts';
import { validateEndpointSpec } from './endpoint-spec.ts';
import { checkLabels } from './labels.ts';
import { validateDnsName } from './names.ts';
import { validateServiceMode } from './service-mode.ts';
import type { Problem } from './spec-error.ts';
import { firstProblem, specError } from './spec-error.ts';
import { validateTaskTemplate } from './task-template.ts';
import { validateUpdateConfig } from './update-config.ts';

function checkJobUpdateConfig(spec: ServiceSpec): Problem {
  if (!isJobMode(spec.Mode) || spec.UpdateConfig === undefined) return undefined;
  return specError('UpdateConfig', 'Jobs may not have an update config');
}

/**
 * Checks a service spec of `POST /services/create` or `/update` in Swarm's order, returning
 * the first problem (a `SPEC_INVALID` error naming the field, in Docker's words where Docker
 * has them): the name, labels, the task template (validateTaskTemplate), the mode
 * (validateServiceMode), no update config on jobs, update and rollback configs
 * (validateUpdateConfig), the endpoint (validateEndpointSpec). Give it the request as sent,
 * before normalizeServiceSpec. Checks that need the store (references exist, ports free,
 * not the ingress network) and update rules (validateServiceUpdate) are separate.
 */
export function validateServiceSpec(spec: ServiceSpec): Problem {
  return firstProblem([
    () => validateDnsName(spec.Name),
    () => checkLabels('Labels', spec.Labels),
    () => validateTaskTemplate(spec.TaskTemplate ?? {}),
    () => validateServiceMode(spec.Mode),
    () => checkJobUpdateConfig(spec),
    () => validateUpdateConfig(spec.UpdateConfig, 'UpdateConfig'),
    () => validateUpdateConfig(spec.RollbackConfig, 'RollbackConfig'),
    () => validateEndpointSpec(spec.EndpointSpec),
  ]);
}
