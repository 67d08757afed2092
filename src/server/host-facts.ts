import { readFile, readdir } from 'node:fs/promises';
import { availableParallelism, hostname, machine, release, totalmem } from 'node:os';

/** What `/info` and `/version` report about the machine, read from the OS. */
export interface HostFacts {
  readonly hostname: string;
  /** `uname -r`. */
  readonly kernelVersion: string;
  /** PRETTY_NAME of /etc/os-release, else the platform name. */
  readonly operatingSystem: string;
  /** VERSION_ID of /etc/os-release, else ''. */
  readonly osVersion: string;
  /** `linux`, `darwin`... */
  readonly osType: string;
  /** `uname -m` (`x86_64`), as `/info`'s Architecture. */
  readonly machine: string;
  /** Go's name for the architecture (`amd64`), as `/version`'s Arch. */
  readonly arch: string;
  readonly cpus: number;
  readonly memoryBytes: number;
  /** net.ipv4.ip_forward, which the overlay data plane needs. */
  readonly ipv4Forwarding: boolean;
  readonly bridgeNfIptables: boolean;
  readonly bridgeNfIp6tables: boolean;
  /** Open file descriptors of this process, or 0 where /proc is missing. */
  readonly openFiles: number;
}

const goArchOf: Readonly<Record<string, string>> = {
  x64: 'amd64',
  ia32: '386',
  arm: 'arm',
  arm64: 'arm64',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loong64',
};

/** Reads the facts afresh (the sysctls can change while the daemon runs). Never rejects. */
export async function readHostFacts(): Promise<HostFacts> {
  const [osRelease, forwarding, nf4, nf6, fds] = await Promise.all([
    readText('/etc/os-release'),
    readText('/proc/sys/net/ipv4/ip_forward'),
    readText('/proc/sys/net/bridge/bridge-nf-call-iptables'),
    readText('/proc/sys/net/bridge/bridge-nf-call-ip6tables'),
    readdir('/proc/self/fd').then(
      (entries) => entries.length,
      () => 0,
    ),
  ]);
  const fields = parseOsRelease(osRelease);
  return {
    hostname: hostname(),
    kernelVersion: release(),
    operatingSystem: fields.get('PRETTY_NAME') ?? process.platform,
    osVersion: fields.get('VERSION_ID') ?? '',
    osType: process.platform,
    machine: machine(),
    arch: goArchOf[process.arch] ?? process.arch,
    cpus: availableParallelism(),
    memoryBytes: totalmem(),
    ipv4Forwarding: forwarding.trim() === '1',
    bridgeNfIptables: nf4.trim() === '1',
    bridgeNfIp6tables: nf6.trim() === '1',
    openFiles: fds,
  };
}

/** The KEY=value lines of an os-release file, quotes removed. */
export function parseOsRelease(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const found = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (found === null) continue;
    const [, key = '', raw = ''] = found;
    fields.set(key, raw.replace(/^(["'])(.*)\1$/, '$2'));
  }
  return fields;
}

function readText(path: string): Promise<string> {
  return readFile(path, 'utf8').catch(() => '');
}
