import { InvalidArgumentError } from 'commander';
import type { Mount, MountType } from '../../api/objects/container-spec.ts';
import { MOUNT_TYPES } from '../../api/objects/container-spec.ts';
import { memoryBytesFlag } from './unit-flags.ts';

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * One `--mount` value (`type=bind,source=/a,target=/b,readonly`) as docker's `MountOpt`
 * reads it: comma-separated `key=value` fields, `type` defaulting to `volume`, `readonly`
 * (or `ro`) with an optional boolean. Repeatable: values accumulate in order.
 */
export function mountFlag(value: string, previous: readonly Mount[] | undefined): Mount[] {
  const mount: Writable<Mount> = { Type: 'volume' };
  const bind: { Propagation?: string; NonRecursive?: boolean } = {};
  const volume: { NoCopy?: boolean; Labels?: Record<string, string> } = {};
  const tmpfs: { SizeBytes?: number; Mode?: number } = {};
  for (const field of splitCsv(value)) {
    const at = field.indexOf('=');
    const key = (at < 0 ? field : field.slice(0, at)).toLowerCase();
    const val = at < 0 ? undefined : field.slice(at + 1);
    switch (key) {
      case 'readonly':
      case 'ro':
        mount.ReadOnly = parseBool(val ?? 'true', field);
        continue;
      case 'volume-nocopy':
        volume.NoCopy = parseBool(val ?? 'true', field);
        continue;
      case 'bind-nonrecursive':
        bind.NonRecursive = parseBool(val ?? 'true', field);
        continue;
    }
    if (val === undefined)
      throw new InvalidArgumentError(`invalid field '${field}' must be a key=value pair`);
    switch (key) {
      case 'type':
        if (!(MOUNT_TYPES as readonly string[]).includes(val)) {
          throw new InvalidArgumentError(`invalid mount type: ${val}`);
        }
        mount.Type = val as MountType;
        break;
      case 'source':
      case 'src':
        mount.Source = val;
        break;
      case 'target':
      case 'dst':
      case 'destination':
        mount.Target = val;
        break;
      case 'consistency':
        mount.Consistency = val;
        break;
      case 'bind-propagation':
        bind.Propagation = val;
        break;
      case 'volume-label': {
        const eq = val.indexOf('=');
        volume.Labels = {
          ...volume.Labels,
          [eq < 0 ? val : val.slice(0, eq)]: eq < 0 ? '' : val.slice(eq + 1),
        };
        break;
      }
      case 'tmpfs-size':
        tmpfs.SizeBytes = memoryBytesFlag(val);
        break;
      case 'tmpfs-mode':
        tmpfs.Mode = parseInt(val, 8);
        break;
      default:
        throw new InvalidArgumentError(`unexpected key '${key}' in '${field}'`);
    }
  }
  if (mount.Target === undefined || mount.Target === '') {
    throw new InvalidArgumentError('target is required');
  }
  if (Object.keys(bind).length > 0) {
    if (mount.Type !== 'bind')
      throw new InvalidArgumentError(
        `cannot mix 'bind-*' options with mount type '${mount.Type ?? ''}'`,
      );
    mount.BindOptions = bind;
  }
  if (Object.keys(volume).length > 0) {
    if (mount.Type !== 'volume')
      throw new InvalidArgumentError(
        `cannot mix 'volume-*' options with mount type '${mount.Type ?? ''}'`,
      );
    mount.VolumeOptions = volume;
  }
  if (Object.keys(tmpfs).length > 0) {
    if (mount.Type !== 'tmpfs')
      throw new InvalidArgumentError(
        `cannot mix 'tmpfs-*' options with mount type '${mount.Type ?? ''}'`,
      );
    mount.TmpfsOptions = tmpfs;
  }
  return [...(previous ?? []), mount];
}

/** The fields of a CSV flag value, honouring double quotes as encoding/csv does. */
export function splitCsv(value: string): string[] {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (const char of value) {
    if (char === '"') quoted = !quoted;
    else if (char === ',' && !quoted) {
      fields.push(current);
      current = '';
    } else current += char;
  }
  fields.push(current);
  return fields.map((f) => f.trim()).filter((f) => f !== '');
}

function parseBool(value: string, field: string): boolean {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(value)) return false;
  throw new InvalidArgumentError(`invalid value for ${field}: ${value}`);
}
