import { readFileSync } from 'node:fs';

/** The ports this machine's OS picks from when a server asks for port 0. */
export interface PortRange {
  readonly low: number;
  readonly high: number;
  /** Where the range comes from, for messages. */
  readonly source: string;
}

const LINUX_RANGE_FILE = '/proc/sys/net/ipv4/ip_local_port_range';

/**
 * The OS's ephemeral port range: read from `/proc` on Linux, the IANA range 49152–65535 (the
 * default of macOS and Windows) there, and 1024–65535 elsewhere, so that no port the OS chose is
 * ever taken for a fixed one.
 */
export function ephemeralPortRange(
  platform: NodeJS.Platform = process.platform,
  read: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): PortRange {
  if (platform === 'linux') {
    try {
      const [low, high] = read(LINUX_RANGE_FILE).trim().split(/\s+/).map(Number);
      if (
        low !== undefined &&
        high !== undefined &&
        Number.isInteger(low) &&
        Number.isInteger(high) &&
        low <= high
      ) {
        return { low, high, source: LINUX_RANGE_FILE };
      }
    } catch {
      // Not readable (a sandbox): fall through to the permissive range.
    }
  }
  if (platform === 'darwin' || platform === 'win32') {
    return { low: 49152, high: 65535, source: `the ${platform} default` };
  }
  return { low: 1024, high: 65535, source: 'every unprivileged port (the range is unknown here)' };
}
