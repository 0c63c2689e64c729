import { readdirSync, readFileSync } from 'node:fs';
import type { EtcdProcess } from '../../../bench/src/fleet/etcd-process.js';

/**
 * The pid of the etcd process started for `etcd` (found by its unique temp data dir in
 * /proc/<pid>/cmdline), to freeze it with SIGSTOP and resume it with SIGCONT.
 */
export function etcdPid(etcd: EtcdProcess): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const args = cmdline.split('\0');
    if (args[0]?.endsWith('etcd') && args.includes(etcd.dataDir)) return Number(entry);
  }
  throw new Error(`no etcd process with data dir ${etcd.dataDir} found in /proc`);
}
