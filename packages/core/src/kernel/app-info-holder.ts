import type { AppInfo } from '../contracts/app-info.js';
import type { KratosOptions } from '../contracts/kratos-options.js';

/**
 * The `AppInfo` bound to `APP_INFO`: read-only to everyone, while the kernel fills in the endpoints
 * once every server has started.
 */
export class AppInfoHolder implements AppInfo {
  /** `options.id`, else a random UUID drawn by the constructor. */
  readonly id: string;
  /** `options.name`, else `''`. */
  readonly name: string;
  /** `options.version`, else `''`. */
  readonly version: string;
  /** A frozen copy of `options.metadata`, else `{}`. */
  readonly metadata: Readonly<Record<string, string>>;
  #endpoints: readonly string[] = Object.freeze([]);

  constructor(options: Pick<KratosOptions, 'id' | 'name' | 'version' | 'metadata'>) {
    // The global Web Crypto: no node:crypto import on the start-up path.
    this.id = options.id ?? globalThis.crypto.randomUUID();
    this.name = options.name ?? '';
    this.version = options.version ?? '';
    this.metadata = Object.freeze({ ...(options.metadata ?? {}) });
  }

  /** Empty until the kernel publishes the registered endpoints, once every server started. */
  get endpoints(): readonly string[] {
    return this.#endpoints;
  }

  /** @internal The kernel publishes the registered endpoints here. */
  setEndpoints(endpoints: readonly string[]): void {
    this.#endpoints = Object.freeze([...endpoints]);
  }

  /** A plain `AppInfo` object, so `JSON.stringify(app)` shows the endpoints too. */
  toJSON(): AppInfo {
    return {
      id: this.id,
      name: this.name,
      version: this.version,
      metadata: this.metadata,
      endpoints: this.endpoints,
    };
  }
}
