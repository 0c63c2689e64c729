/**
 * What every part of the application may know about the running instance (Kratos `AppInfo`).
 * Inject it with `@inject(APP_INFO)`. `endpoints` is empty until every server has started, then
 * holds exactly what was registered.
 */
export interface AppInfo {
  /** The instance id: `KratosOptions.id`, else a random UUID drawn when the kernel is built. */
  readonly id: string;
  /** The service name (`KratosOptions.name`), `''` when none was given. */
  readonly name: string;
  /** The service version (`KratosOptions.version`), `''` when none was given. */
  readonly version: string;
  /** A frozen copy of `KratosOptions.metadata`; `{}` when none was given. */
  readonly metadata: Readonly<Record<string, string>>;
  /**
   * The registered endpoints (`http://10.0.0.5:8000`, `grpc://10.0.0.5:9000`): empty until every
   * server has started, then `KratosOptions.endpoints` if given, else what the servers' `endpoint()`
   * returned.
   */
  readonly endpoints: readonly string[];
}
