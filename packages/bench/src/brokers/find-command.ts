import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * Where the brokers' commands are looked for: PATH, then the sbin directories. Debian installs
 * `nats-server`, `rabbitmq-server` and `rabbitmqctl` in /usr/sbin, which is on root's PATH but not
 * always on a developer's.
 */
export function commandDirs(pathVariable = process.env.PATH ?? ''): string[] {
  const dirs = pathVariable.split(delimiter).filter((dir) => dir !== '');
  for (const sbin of ['/usr/local/sbin', '/usr/sbin', '/sbin']) if (!dirs.includes(sbin)) dirs.push(sbin);
  return dirs;
}

/** The absolute path of the executable `command` in {@link commandDirs}, or `undefined`. */
export function findCommand(command: string, dirs: readonly string[] = commandDirs()): string | undefined {
  for (const dir of dirs) {
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * The path of `command`, or an Error naming the Debian package that installs it and saying that
 * `npm test` installs it when run as root (never a silent skip).
 */
export function requireCommand(command: string, debianPackage: string, neededBy: string): string {
  const found = findCommand(command);
  if (found) return found;
  throw new Error(
    `${command} not found on PATH nor in /usr/sbin: ${neededBy} need it. Install it with \`apt-get install -y ${debianPackage}\` (Debian/Ubuntu; \`npm test\` does this when run as root).`,
  );
}
