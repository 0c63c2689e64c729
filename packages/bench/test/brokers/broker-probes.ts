import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The command lines of the processes whose command line contains `pattern` (`pgrep -af`), none of this test's. */
export function processesMatching(pattern: string): string[] {
  const result = spawnSync('pgrep', ['-af', pattern], { encoding: 'utf8' });
  return result.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .filter((line) => !line.startsWith(`${process.pid} `) && !line.includes('pgrep'));
}

/** The pid at the start of a `pgrep -a` line. */
export function pidOf(line: string): number {
  return Number(line.trim().split(' ')[0]);
}

/** The pids of the processes in session `sid` (`pgrep -s`): what a detached child and its children left. */
export function sessionOf(sid: number): number[] {
  const result = spawnSync('pgrep', ['-s', String(sid)], { encoding: 'utf8' });
  return result.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map(Number);
}

/** Whether process `pid` still runs (a zombie, dead but not reaped yet, does not count). */
export function alive(pid: number): boolean {
  const result = spawnSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' });
  const stat = result.stdout.trim();
  return stat !== '' && !stat.startsWith('Z');
}

/** The local addresses of the TCP sockets that listen on `port`, whoever owns them (`ss -ltn`). */
export function listenersOn(port: number): string[] {
  const result = spawnSync('ss', ['-Hltn', `sport = :${port}`], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ss -ltn failed: ${result.stderr}`);
  return result.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => line.trim().split(/\s+/)[3] ?? '');
}

/** The local addresses (`host:port`) of the TCP sockets the processes `pids` listen on (`ss -ltnp`). */
export function listeningAddresses(pids: readonly number[]): string[] {
  const result = spawnSync('ss', ['-Hltnp'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ss -ltnp failed: ${result.stderr}`);
  return result.stdout
    .split('\n')
    .filter((line) => pids.some((pid) => line.includes(`pid=${pid},`)))
    .map((line) => line.trim().split(/\s+/)[3] ?? '');
}

/** Whether `path` still exists. */
export function stillOnDisk(path: string): boolean {
  return existsSync(path);
}
