import 'reflect-metadata';
import { Container, inject, injectable } from 'inversify';
import {
  APP_INFO, BeforeStop, InMemoryRegistry, KRATOS_OPTIONS, kratosModule, LifecycleKernel, REGISTRAR, Server,
  type AppInfo, type HookContext, type KratosOptions, type ServiceRegistrar, type TransportServer,
} from '@kratos-ts/core';

@injectable()
class Greeter {
  constructor(@inject(APP_INFO) private readonly app: AppInfo) {}
  greet(who: string) { return `hello ${who} from ${this.app.name}@${this.app.version}`; }
}

@Server({ name: 'ticker', stopTimeout: 2_000 })
class TickerServer implements TransportServer {
  #timer: NodeJS.Timeout | undefined;
  constructor(@inject(Greeter) private readonly greeter: Greeter) {}
  start() { this.#timer = setInterval(() => console.log(this.greeter.greet('world')), 1_000); }
  stop() { clearInterval(this.#timer); }
}

class Lifecycle {
  @BeforeStop() flush(ctx: HookContext) { console.log(`${ctx.app.name} is stopping`); }
}

const container = new Container();
container.bind<KratosOptions>(KRATOS_OPTIONS).toConstantValue({ name: 'greeter', version: '1.0.0', drainDelay: 2_000 });
container.bind<ServiceRegistrar>(REGISTRAR).toConstantValue(new InMemoryRegistry());
container.bind(Greeter).toSelf();
container.load(kratosModule);
await container.get(LifecycleKernel).run(); // resolves after Ctrl+C or SIGTERM, once everything stopped
