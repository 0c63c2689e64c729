/**
 * What every part of the application may know about the running instance (Kratos `AppInfo`).
 * Inject it with `@inject(APP_INFO)`. `endpoints` is empty until every server has started, then
 * holds exactly what was registered.
 */
export interface AppInfo {
  readonly id: string;
  readonly name: string;
  readonly version: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly endpoints: readonly string[];
}
