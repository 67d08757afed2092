import type { Annotations, Driver, EngineEnvelope, StoredObject } from './common.ts';
import { toEngineEnvelope } from './envelope.ts';

/** A config as declared: name, labels, and the payload (base64, as on the wire). */
export interface ConfigSpec extends Annotations {
  /** Base64 of the payload: 1 byte up to (not including) 1000 KiB once decoded. */
  readonly Data?: string;
  /** `{ Name: "golang" }` makes the payload a template expanded per task. */
  readonly Templating?: Driver;
}

/** A config as the store holds it. */
export interface Config extends StoredObject {
  readonly Spec: ConfigSpec;
}

/** A config as `GET /configs` returns it: unlike a secret, with its `Data`. */
export interface EngineConfig extends EngineEnvelope {
  readonly Spec: ConfigSpec;
}

/** The Engine-API form of a stored config. Pure. */
export function toEngineConfig(config: Config): EngineConfig {
  return { ...toEngineEnvelope(config), Spec: config.Spec };
}
