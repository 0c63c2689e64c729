import type { Observable } from 'rxjs';
import type { AppInfo, LifecycleState, Logger } from '@kratos-ts/core';

/**
 * What `KratosTelemetry.start()` wires the SDK to: a `LifecycleKernel` fits as it is. Outside a
 * kernel (a command-line client), `{ app }` alone, and call `shutdown()` before exiting.
 */
export interface TelemetryTarget {
  /** The application's identity: the resource's `service.*` attributes come from it. */
  readonly app: AppInfo;
  /**
   * The kernel's states: the SDK shuts down (flushes) once it completes, after `stopped` or
   * `failed`, i.e. after every server stopped and every afterStop hook ran. Absent: call
   * `shutdown()` yourself.
   */
  readonly state$?: Observable<LifecycleState>;
  /** Used when the options give no `logger` (the kernel's). */
  readonly logger?: Logger;
}
