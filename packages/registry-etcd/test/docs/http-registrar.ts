// The "Writing your own registrar" example of docs/registry.md, compiled and tested
// (test/unit/docs-http-registrar.spec.ts). Keep the two in step.
import type { ServiceInstance, ServiceRegistrar } from '@kratos-ts/core';

/** Registers with an HTTP registry that expires entries not renewed for 30 s. */
export class HttpRegistrar implements ServiceRegistrar {
  #renewal: NodeJS.Timeout | undefined;

  constructor(private readonly baseUrl: string) {}

  async register(instance: ServiceInstance, signal: AbortSignal): Promise<void> {
    await this.#put(instance, signal); // fetch honours the signal
    this.#renewal = setInterval(() => void this.#put(instance).catch(() => undefined), 10_000);
  }

  async deregister(instance: ServiceInstance, signal: AbortSignal): Promise<void> {
    clearInterval(this.#renewal);
    await fetch(`${this.baseUrl}/services/${instance.name}/${instance.id}`, { method: 'DELETE', signal });
  }

  async #put(instance: ServiceInstance, signal?: AbortSignal): Promise<void> {
    const response = await fetch(`${this.baseUrl}/services/${instance.name}/${instance.id}`, {
      method: 'PUT',
      body: JSON.stringify(instance),
      ...(signal ? { signal } : {}),
    });
    if (!response.ok) throw new Error(`Registry ${this.baseUrl} answered ${response.status}`);
  }
}
