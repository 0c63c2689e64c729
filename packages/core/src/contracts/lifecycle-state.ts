/**
 * Where the kernel is: `idle → starting → running → stopping → stopped | failed`.
 * `stopping` is published before anything of the stop runs, so readiness probes turn false at once.
 */
export type LifecycleState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';
