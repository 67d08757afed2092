import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const NETNS_DIR = '/var/run/netns';
const PREFIX = 'shoal-';

/** One daemon's place on an {@link IsolatedNetwork}: its namespace and address. */
export interface NetHost {
  readonly name: string;
  /** The network namespace, under `/var/run/netns/`. */
  readonly netns: string;
  readonly ip: string;
}

/** Whether this process may build network namespaces (root, with `ip` on the PATH). */
export async function isolationAvailable(): Promise<boolean> {
  if (process.getuid?.() !== 0) return false;
  try {
    await exec('ip', ['-V']);
    return true;
  } catch {
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function ip(args: readonly string[]): Promise<void> {
  await exec('ip', [...args]);
}

/** Kills every process inside `netns`, then deletes it; quiet when it is already gone. */
async function removeNetns(netns: string): Promise<void> {
  const { stdout } = await exec('ip', ['netns', 'pids', netns]).catch(() => ({ stdout: '' }));
  for (const pid of stdout.split(/\s+/).filter((p) => p !== '')) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  await ip(['netns', 'del', netns]).catch(() => undefined);
}

/**
 * Removes namespaces a crashed earlier run left behind: names carry the creating process's
 * pid (`shoal-<pid>-...`), so those whose creator is dead are no one's.
 */
async function removeStale(): Promise<void> {
  const names = await readdir(NETNS_DIR).catch(() => [] as string[]);
  for (const name of names) {
    const pid = Number(/^shoal-(\d+)-/.exec(name)?.[1]);
    if (Number.isInteger(pid) && pid !== process.pid && !alive(pid)) await removeNetns(name);
  }
}

let networks = 0;

/**
 * A private network of namespaces for one test cluster (root only): a hub namespace holds a
 * bridge, and each host gets its own namespace joined to the bridge by a veth pair, with an
 * address on 10.77.0.0/24. Nothing is added to the root namespace, so its firewall (Docker's
 * `FORWARD DROP`) never sees the traffic, and names cannot clash between concurrent tests.
 * {@link partition} cuts two hosts apart with blackhole routes on both sides; {@link heal}
 * removes every cut. {@link dispose} kills whatever still runs inside and deletes all of it.
 */
export class IsolatedNetwork {
  private readonly hosts = new Map<string, NetHost>();
  private readonly cuts = new Set<string>();

  private constructor(private readonly prefix: string) {}

  private get hub(): string {
    return `${this.prefix}-hub`;
  }

  /** Creates the hub and its bridge (removing stale namespaces of dead runs first). */
  static async create(): Promise<IsolatedNetwork> {
    await removeStale();
    const network = new IsolatedNetwork(`${PREFIX}${process.pid}-${++networks}`);
    await ip(['netns', 'add', network.hub]);
    await ip(['-n', network.hub, 'link', 'add', 'br0', 'type', 'bridge']);
    await ip(['-n', network.hub, 'link', 'set', 'br0', 'up']);
    return network;
  }

  /** A new namespace for `name`, wired to the bridge, loopback up. */
  async addHost(name: string): Promise<NetHost> {
    if (this.hosts.has(name)) throw new Error(`network host ${name} exists`);
    const index = this.hosts.size + 1;
    const host: NetHost = { name, netns: `${this.prefix}-${index}`, ip: `10.77.0.${10 + index}` };
    const port = `v${index}`;
    await ip(['netns', 'add', host.netns]);
    this.hosts.set(name, host);
    await ip([
      '-n',
      this.hub,
      'link',
      'add',
      port,
      'type',
      'veth',
      'peer',
      'name',
      'eth0',
      'netns',
      host.netns,
    ]);
    await ip(['-n', this.hub, 'link', 'set', port, 'master', 'br0', 'up']);
    await ip(['-n', host.netns, 'addr', 'add', `${host.ip}/24`, 'dev', 'eth0']);
    await ip(['-n', host.netns, 'link', 'set', 'eth0', 'up']);
    await ip(['-n', host.netns, 'link', 'set', 'lo', 'up']);
    return host;
  }

  /** Drops all traffic between hosts `a` and `b`, both ways, from now until {@link heal}. */
  async partition(a: string, b: string): Promise<void> {
    const [ha, hb] = [this.host(a), this.host(b)];
    for (const [from, to] of [
      [ha, hb],
      [hb, ha],
    ] as const) {
      const key = `${from.netns} ${to.ip}`;
      if (this.cuts.has(key)) continue;
      await ip(['-n', from.netns, 'route', 'add', 'blackhole', `${to.ip}/32`]);
      this.cuts.add(key);
    }
  }

  /** Removes every cut made by {@link partition}. */
  async heal(): Promise<void> {
    for (const key of [...this.cuts]) {
      const [netns = '', target = ''] = key.split(' ');
      await ip(['-n', netns, 'route', 'del', 'blackhole', `${target}/32`]).catch(() => undefined);
      this.cuts.delete(key);
    }
  }

  /** Kills every process left in the namespaces and deletes them (the veths go with them). */
  async dispose(): Promise<void> {
    for (const host of this.hosts.values()) await removeNetns(host.netns);
    this.hosts.clear();
    this.cuts.clear();
    await removeNetns(this.hub);
  }

  private host(name: string): NetHost {
    const host = this.hosts.get(name);
    if (host === undefined) throw new Error(`no network host ${name}`);
    return host;
  }
}
