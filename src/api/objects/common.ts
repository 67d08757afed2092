/**
 * Vocabulary shared by every object kind. Field names inside objects follow Docker's
 * Engine API (PascalCase), so a stored object and its Engine-API form differ only in the
 * envelope: `{ id, meta }` in the store, `{ ID, Version, CreatedAt, UpdatedAt }` on the wire
 * (see `envelope.ts`).
 */

/** A duration in nanoseconds, as Docker's JSON carries `time.Duration` values. */
export type Nanoseconds = number;

/** User-defined key/value metadata. */
export type Labels = Readonly<Record<string, string>>;

/**
 * The bookkeeping the store keeps on every object. Structurally the same as
 * `src/store/store-object.ts` `ObjectMeta` (src/api may not import src/store): `version` is
 * the Raft index of the last write (Docker's `Version.Index`), the times are ISO-8601.
 */
export interface ObjectMeta {
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The store's envelope, structurally a `StoreObject`: every stored kind extends it. */
export interface StoredObject {
  readonly id: string;
  readonly meta: ObjectMeta;
}

/** Docker's `ObjectVersion`: the version an update must quote in `?version=`. */
export interface Version {
  readonly Index: number;
}

/** The Engine-API envelope every object opens with, in Docker's field order. */
export interface EngineEnvelope {
  readonly ID: string;
  readonly Version: Version;
  readonly CreatedAt: string;
  readonly UpdatedAt: string;
}

/** Docker's `Annotations`: a name and labels. */
export interface Annotations {
  readonly Name?: string;
  readonly Labels?: Labels;
}

/** A driver (network, IPAM, log, secret, templating) and its options. */
export interface Driver {
  readonly Name?: string;
  readonly Options?: Labels;
}

/** Hardware architecture and operating system, e.g. `x86_64` / `linux`. */
export interface Platform {
  readonly Architecture?: string;
  readonly OS?: string;
}

/** Issuer of the cluster's leaf certificates and the trusted root. */
export interface TLSInfo {
  /** PEM of the root CA certificate(s). */
  readonly TrustRoot?: string;
  /** Base64 of the issuer's raw subject bytes. */
  readonly CertIssuerSubject?: string;
  /** Base64 of the issuer's raw public key bytes. */
  readonly CertIssuerPublicKey?: string;
}

/** A user-defined resource: named (`GPU=UUID1`) or discrete (`SSD=3`). */
export interface GenericResource {
  readonly NamedResourceSpec?: { readonly Kind: string; readonly Value: string };
  readonly DiscreteResourceSpec?: { readonly Kind: string; readonly Value: number };
}

/** CPU (in billionths of a CPU), memory and generic resources. */
export interface Resources {
  readonly NanoCPUs?: number;
  readonly MemoryBytes?: number;
  readonly GenericResources?: readonly GenericResource[];
}

/** Makes every property writable, for builders that assemble an object step by step. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
