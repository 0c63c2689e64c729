import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The last commit before issue 16 (observability): no package imported `@opentelemetry/api` then.
 * The "telemetry: cost" bench builds its "today's" baseline from the sources of this commit.
 */
export const PRE_TELEMETRY_COMMIT = '00121985e3b273911c33c1cb8cdcbf9c1b3520e4';

/** The packages whose sources a bench fixture's `@kratos-ts/*` imports can reach. */
const PACKAGES = ['core', 'http', 'discovery'];

/**
 * Extracts `tsconfig.base.json` and the sources (and tsconfig) of `PACKAGES` at `commit` from the
 * repository at `repoRoot` into `dir` (`git archive | tar -x`: read-only for the repository, its
 * working tree and index untouched), once: an existing extraction is reused. Returns `dir`.
 * Throws, naming the command, when git or the commit is missing (a tarball of the repository
 * without its history cannot build this baseline).
 */
export function sourcesAtCommit(repoRoot: string, commit: string, dir: string): string {
  if (existsSync(join(dir, 'tsconfig.base.json'))) return dir;
  const paths = [
    'tsconfig.base.json',
    ...PACKAGES.flatMap((name) => [`packages/${name}/src`, `packages/${name}/tsconfig.json`]),
  ];
  const archive = spawnSync('git', ['-C', repoRoot, 'archive', '--format=tar', commit, ...paths], {
    maxBuffer: 64 * 1024 * 1024,
  });
  if (archive.error || archive.status !== 0) {
    throw new Error(
      `git archive ${commit} failed (${archive.error?.message ?? archive.stderr.toString().trim()}): the telemetry cost baseline is built from the sources of that commit, so the bench needs the repository's history (a full clone, git on PATH).`,
    );
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const untar = spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout });
  if (untar.error || untar.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`tar -x into ${dir} failed: ${untar.error?.message ?? untar.stderr.toString().trim()}`);
  }
  return dir;
}
