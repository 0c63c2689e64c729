import { forkJoin, map, type Observable } from 'rxjs';

/** How many sources one `forkJoin` holds at most. */
const CHUNK = 256;

/**
 * `forkJoin` for any number of sources, subscribed all at once as `forkJoin` does, with the
 * results in order. Above 256 sources it nests one `forkJoin` per chunk: a subscriber removes a
 * finished inner subscription from an array, which costs O(n) in a single `forkJoin` over n
 * sources and made 16000 servers quadratic.
 */
export function forkJoinAll<T>(sources: readonly Observable<T>[]): Observable<T[]> {
  if (sources.length <= CHUNK) return forkJoin([...sources]);
  const chunks: Observable<T[]>[] = [];
  for (let i = 0; i < sources.length; i += CHUNK) chunks.push(forkJoinAll(sources.slice(i, i + CHUNK)));
  return forkJoinAll(chunks).pipe(map((results) => results.flat()));
}
