export { ByteWriter } from './byte-writer.ts';
export { ByteReader, DecodeError } from './byte-reader.ts';
export * from './raft-codec.ts';
