import { Container } from 'inversify';
import {
  createKratosModule,
  KRATOS_OPTIONS,
  LifecycleKernel,
  LOGGER,
  SERVER,
  silentLogger,
  type TransportServer,
} from '@kratos-ts/core';

/** A container with `servers` bound to SERVER, quiet, no signals; resolves a fresh kernel. */
export function kernelWith(servers: readonly TransportServer[]): LifecycleKernel {
  return containerWith(servers).get(LifecycleKernel);
}

/** A container with `servers` bound to SERVER, quiet, no signals, and the kratos module loaded. */
export function containerWith(servers: readonly TransportServer[]): Container {
  const container = new Container();
  container.bind(KRATOS_OPTIONS).toConstantValue({ name: 'bench', signals: [] });
  container.bind(LOGGER).toConstantValue(silentLogger);
  for (const server of servers) container.bind(SERVER).toConstantValue(server);
  container.load(createKratosModule());
  return container;
}

/** Resolves once the kernel is running. */
export function running(kernel: LifecycleKernel): Promise<void> {
  return new Promise((resolve) => {
    const subscription = kernel.state$.subscribe((state) => {
      if (state === 'running') {
        resolve();
        queueMicrotask(() => subscription.unsubscribe());
      }
    });
  });
}
