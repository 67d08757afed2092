import { readFileSync } from 'node:fs';

/** A resolved user to run a task's process as. */
export interface RunAs {
  readonly uid: number;
  readonly gid: number;
  /** The user's home directory from the passwd file, when the user is listed there. */
  readonly home?: string;
}

/** The passwd and group files to read; tests point them at fixtures. */
export interface UserDatabase {
  readonly passwd: string;
  readonly group: string;
}

const hostDatabase: UserDatabase = { passwd: '/etc/passwd', group: '/etc/group' };

function readTable(path: string): string[][] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split(':'));
}

const numeric = /^\d+$/;

/**
 * Resolves Docker's `--user` forms, `name`, `uid`, `name:group`, `uid:gid` (and mixes), the
 * way the host's passwd and group files define them. A numeric uid that has no passwd entry
 * is allowed (as Docker allows it) and runs with gid = uid unless a group is given.
 * Returns an error message (in words for `service ps`) when a name is unknown.
 */
export function resolveUser(spec: string, db: UserDatabase = hostDatabase): RunAs | string {
  const [userPart = '', groupPart] = spec.split(':', 2);
  const passwd = readTable(db.passwd);
  const entry = passwd.find((row) => (numeric.test(userPart) ? row[2] : row[0]) === userPart);
  if (entry === undefined && !numeric.test(userPart)) {
    return `unable to find user ${userPart}: no matching entries in passwd file`;
  }
  const uid = Number(entry?.[2] ?? userPart);
  let gid = Number(entry?.[3] ?? uid);
  if (groupPart !== undefined && groupPart !== '') {
    if (numeric.test(groupPart)) gid = Number(groupPart);
    else {
      const group = readTable(db.group).find((row) => row[0] === groupPart);
      if (group === undefined) {
        return `unable to find group ${groupPart}: no matching entries in group file`;
      }
      gid = Number(group[2]);
    }
  }
  const home = entry?.[5];
  return home === undefined || home === '' ? { uid, gid } : { uid, gid, home };
}
