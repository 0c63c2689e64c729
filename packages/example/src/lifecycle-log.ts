import { inject, injectable } from 'inversify';
import {
  AfterStart,
  AfterStop,
  BeforeStart,
  BeforeStop,
  LOGGER,
  type HookContext,
  type Logger,
} from '@kratos-ts/core';

/** Logs every phase of the lifecycle, as a service's own hooks would. */
@injectable()
export class LifecycleLog {
  constructor(@inject(LOGGER) private readonly logger: Logger) {}

  @BeforeStart() beforeStart({ app }: HookContext): void {
    this.logger.info({ phase: 'beforeStart' }, `starting ${app.name}@${app.version} (${app.id})`);
  }

  @AfterStart() afterStart({ app }: HookContext): void {
    this.logger.info(
      { phase: 'afterStart', endpoints: app.endpoints },
      `serving on ${app.endpoints.join(', ')}`,
    );
  }

  @BeforeStop() beforeStop(): void {
    this.logger.info({ phase: 'beforeStop' }, 'stopping: readiness is false, deregistering');
  }

  @AfterStop() afterStop(): void {
    this.logger.info({ phase: 'afterStop' }, 'every server stopped');
  }
}
