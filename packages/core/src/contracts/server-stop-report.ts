/**
 * What a server's `stop(signal)` may resolve with, to tell the kernel how the stop went. The kernel
 * puts it on the `server-stop` event of `events$` as `report`, in the trace, and logs a warning
 * naming the server and the count when `abandoned > 0`.
 *
 * @example
 * async stop(signal: AbortSignal): Promise<ServerStopReport> {
 *   const abandoned = await this.drain(signal); // messages given back when signal aborted
 *   return { abandoned };
 * }
 */
export interface ServerStopReport {
  /**
   * How many in-flight units of work (messages, jobs) were given up because `signal` aborted
   * (`stopTimeout`): an integer >= 0. Absent or 0 when the stop finished everything it held.
   */
  readonly abandoned?: number;
}
