import type { Annotations, Driver, EngineEnvelope, StoredObject } from './common.ts';
import { toEngineEnvelope } from './envelope.ts';

/** A secret as declared: name, labels, and the payload (base64, as on the wire). */
export interface SecretSpec extends Annotations {
  /** Base64 of the payload: 1 byte up to (not including) 500 KiB once decoded. */
  readonly Data?: string;
  /** An external secret store driver; shoal keeps it but provides none. */
  readonly Driver?: Driver;
  /** `{ Name: "golang" }` makes the payload a template expanded per task. */
  readonly Templating?: Driver;
}

/** A secret as the store holds it (the payload included, encrypted at rest by the store). */
export interface Secret extends StoredObject {
  readonly Spec: SecretSpec;
}

/** A secret as `GET /secrets` returns it: never with `Data`. */
export interface EngineSecret extends EngineEnvelope {
  readonly Spec: Omit<SecretSpec, 'Data'>;
}

/** The Engine-API form of a stored secret; the payload is always left out. Pure. */
export function toEngineSecret(secret: Secret): EngineSecret {
  const { Data: _data, ...spec } = secret.Spec;
  return { ...toEngineEnvelope(secret), Spec: spec };
}
