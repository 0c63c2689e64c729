import { readdirSync, readFileSync } from 'node:fs';

/**
 * Resolves once every thread of every process in `pids` is stopped (state T in /proc) or gone,
 * after a SIGSTOP: its delivery to a busy multi-threaded broker is not instant, and a frozen broker
 * must answer nothing. Rejects after `timeoutMs`. Linux only.
 */
export async function untilStopped(pids: readonly number[], timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pids.every(stopped)) {
    if (Date.now() > deadline) {
      throw new Error(`processes ${pids.join(', ')} were not stopped within ${timeoutMs} ms of SIGSTOP`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function stopped(pid: number): boolean {
  try {
    return readdirSync(`/proc/${pid}/task`).every((task) => {
      // "pid (comm) S …": the state follows the last ')', comm may hold spaces.
      const stat = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8');
      return /^[Tt]$/.test(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3));
    });
  } catch {
    return true; // gone: answers nothing either
  }
}
