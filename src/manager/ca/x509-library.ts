// The X.509 library's dependency-injection container (tsyringe) needs the Reflect metadata
// API at load time, so the polyfill must be evaluated before the library: keep this order.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

// The library's typings name DOM types that this project's Node-only lib does not declare.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** A WebCrypto key (Node's type; the project compiles without the DOM lib). */
export type CryptoKey = webcrypto.CryptoKey;
/** The algorithm description of an elliptic-curve WebCrypto key. */
export type EcKeyAlgorithm = webcrypto.EcKeyAlgorithm;

/**
 * `@peculiar/x509`, loaded with its Reflect polyfill and bound to Node's WebCrypto. Every file
 * of the CA imports the library from here, never directly, so the load order above holds.
 */
export { x509 };

/** Node's WebCrypto `SubtleCrypto`, the one the X.509 library signs and verifies with. */
export const subtle: webcrypto.SubtleCrypto = webcrypto.subtle;

/** ECDSA P-256 with SHA-256: the only key and signature algorithm the cluster PKI uses. */
export const ecdsaP256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
