/**
 * Aborts many in-flight steps at once. Steps join and leave in O(1), so a phase with thousands
 * of servers does not pay for a Subject's observer array on every join and leave.
 */
export class AbortGroup {
  readonly #listeners = new Set<() => void>();
  #aborted = false;

  get aborted(): boolean {
    return this.#aborted;
  }

  /** Calls `listener` once when the group aborts (at once if it already has). Returns a leave function. */
  join(listener: () => void): () => void {
    if (this.#aborted) {
      listener();
      return () => undefined;
    }
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  abort(): void {
    if (this.#aborted) return;
    this.#aborted = true;
    const listeners = [...this.#listeners];
    this.#listeners.clear();
    for (const listener of listeners) listener();
  }
}
