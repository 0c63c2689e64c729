import { inject, injectable } from 'inversify';
import { APP_INFO, type AppInfo } from '@kratos-ts/core';

/** What both the HTTP route and the gRPC method answer. */
export interface Greeting {
  readonly message: string;
  readonly app: { readonly id: string; readonly name: string; readonly version: string };
}

/** The request handler both transports share; `AppInfo` is injected. */
@injectable()
export class Greeter {
  constructor(@inject(APP_INFO) private readonly app: AppInfo) {}

  greet(name: string): Greeting {
    const { id, name: appName, version } = this.app;
    return { message: `hello ${name || 'world'}`, app: { id, name: appName, version } };
  }
}
