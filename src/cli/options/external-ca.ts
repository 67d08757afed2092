import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import type { ExternalCA } from '../../api/objects/cluster.ts';

/** Splits one CSV record (docker reads `--external-ca` with `encoding/csv`). */
function csvFields(text: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

const isPem = (text: string): boolean =>
  /-----BEGIN [^-]+-----[\s\S]*-----END [^-]+-----/.test(text);

/**
 * One `--external-ca protocol=cfssl,url=https://...[,cacert=FILE][,key=value...]` value,
 * parsed as docker's `parseExternalCA`: `protocol` (only cfssl) and `url` are required,
 * `cacert` names a PEM file that is read now, other keys become options. Appends to
 * `previous`; throws docker's reasons.
 */
export function externalCaFlag(
  value: string,
  previous: readonly ExternalCA[] | undefined,
): ExternalCA[] {
  const options: Record<string, string> = {};
  let protocol: 'cfssl' | undefined;
  let url: string | undefined;
  let caCert: string | undefined;
  for (const field of csvFields(value)) {
    const separator = field.indexOf('=');
    if (separator < 0)
      throw new InvalidArgumentError(`invalid field '${field}' must be a key=value pair`);
    const key = field.slice(0, separator);
    const fieldValue = field.slice(separator + 1);
    switch (key.toLowerCase()) {
      case 'protocol':
        if (fieldValue.toLowerCase() !== 'cfssl') {
          throw new InvalidArgumentError(`unrecognized external CA protocol ${fieldValue}`);
        }
        protocol = 'cfssl';
        break;
      case 'url':
        url = fieldValue;
        break;
      case 'cacert':
        caCert = readPem(fieldValue);
        break;
      default:
        options[key] = fieldValue;
    }
  }
  if (protocol === undefined)
    throw new InvalidArgumentError('the external-ca option needs a protocol= parameter');
  if (url === undefined)
    throw new InvalidArgumentError('the external-ca option needs a url= parameter');
  const ca: ExternalCA = {
    Protocol: protocol,
    URL: url,
    Options: options,
    ...(caCert === undefined ? {} : { CACert: caCert }),
  };
  return [...(previous ?? []), ca];
}

function readPem(path: string): string {
  let contents: string;
  try {
    contents = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InvalidArgumentError(
      `unable to read CA cert for external CA: ${(err as Error).message}`,
    );
  }
  if (!isPem(contents))
    throw new InvalidArgumentError('CA cert for external CA must be in PEM format');
  return contents;
}

/** A `--ca-cert`/`--ca-key` flag: the PEM file's contents, read now. */
export function pemFileFlag(path: string): string {
  let contents: string;
  try {
    contents = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
  if (!isPem(contents)) throw new InvalidArgumentError('file contents must be in PEM format');
  return contents;
}
