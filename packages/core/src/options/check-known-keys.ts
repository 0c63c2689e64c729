import { didYouMean } from './did-you-mean.js';

/**
 * Pushes one problem for every key of `options` that is not in `known`, e.g.
 * `unknown option "timout": remove it or check its spelling (did you mean "timeout"? known: timeout, retry)`.
 * `prefix` names a nested object (`'backoff.'`), `hint` ends the message with why it may be there.
 * `true` when every key is known.
 *
 * @example
 * checkKnownKeys(problems, raw, ['timeout', 'retry']);
 * checkKnownKeys(problems, raw.backoff, ['initial', 'max'], { prefix: 'backoff.' });
 */
export function checkKnownKeys(
  problems: string[],
  options: object,
  known: Iterable<string>,
  { prefix = '', hint }: { readonly prefix?: string; readonly hint?: string } = {},
): boolean {
  const names = [...known];
  let ok = true;
  for (const key of Object.keys(options)) {
    if (names.includes(key)) continue;
    ok = false;
    const suggestion = didYouMean(key, names);
    const guess = suggestion === undefined ? '' : `did you mean "${prefix}${suggestion}"? `;
    problems.push(
      `unknown option "${prefix}${key}": remove it or check its spelling (${guess}known: ${names.join(', ')})${hint === undefined ? '' : `; ${hint}`}`,
    );
  }
  return ok;
}
