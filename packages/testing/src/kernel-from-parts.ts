import {
  LifecycleKernel,
  type Logger,
  type RegistrarEntry,
  type ServerDeclaration,
  type ServiceRegistrar,
  type TransportServer,
} from '@kratos-ts/core';
import type { SchedulerLike } from 'rxjs';
import type { FakeProcess } from './fake-process.js';
import type { VirtualKernelParts, VirtualRegistrar, VirtualServer } from './virtual-kernel-types.js';

/** A kernel built from parts, and the parts it runs (to connect the doubles among them). */
export interface KernelFromParts {
  readonly kernel: LifecycleKernel;
  /** The servers, registrars and hooks the kernel runs. */
  readonly parts: readonly unknown[];
}

/**
 * A `LifecycleKernel` built from `VirtualKernelParts`, as `new LifecycleKernel()` would be, on
 * `scheduler` and `fake` instead of the process. Servers and registrars are named as `@Server()` and
 * `@Registrar()` would name them: their `name`, else their class name, else their place in the list.
 */
export function kernelFromParts(
  spec: VirtualKernelParts,
  logger: Logger,
  scheduler: SchedulerLike,
  fake: FakeProcess,
): KernelFromParts {
  const servers = (spec.servers ?? []).map(serverDeclaration);
  const registrars = (spec.registrars ?? []).map(registrarEntry);
  const hooks = spec.hooks ?? [];
  const kernel = new LifecycleKernel({
    options: spec.options ?? { name: 'test' },
    servers,
    registrars,
    hooks,
    logger,
    scheduler,
    signalSource: fake.signals,
    uncaughtErrorSource: fake.uncaughtErrors,
    exit: fake.exit,
    setExitCode: fake.setExitCode,
  });
  return {
    kernel,
    parts: [...servers.map((s) => s.server), ...registrars.map((r) => r.registrar), ...hooks],
  };
}

function serverDeclaration(entry: TransportServer | VirtualServer, index: number): ServerDeclaration {
  if ('server' in entry && typeof (entry as Partial<TransportServer>).start !== 'function') {
    const { server, name, startTimeout, stopTimeout, drainDelay } = entry;
    return {
      name: name ?? nameOf(server, `server[${index}]`),
      server,
      startTimeout,
      stopTimeout,
      drainDelay,
    };
  }
  const server = entry as TransportServer;
  return { name: nameOf(server, `server[${index}]`), server };
}

function registrarEntry(entry: ServiceRegistrar | VirtualRegistrar, index: number): RegistrarEntry {
  if ('registrar' in entry && typeof (entry as Partial<ServiceRegistrar>).register !== 'function') {
    return { name: entry.name ?? nameOf(entry.registrar, `registrar[${index}]`), registrar: entry.registrar };
  }
  const registrar = entry as ServiceRegistrar;
  return { name: nameOf(registrar, `registrar[${index}]`), registrar };
}

function nameOf(value: unknown, fallback: string): string {
  const own = (value as { name?: unknown } | null)?.name;
  if (typeof own === 'string' && own !== '') return own;
  const ctor = (value as { constructor?: { name?: string } } | null)?.constructor?.name;
  return ctor && ctor !== 'Object' ? ctor : fallback;
}
