import { Server as GrpcJsServer, ServerCredentials, type ServiceDefinition } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import {
  safeLogger,
  type KernelView,
  KratosError,
  type LifecycleState,
  type Logger,
  type TransportServer,
} from '@kratos-ts/core';
import { describeError, hostPort, invalidOptions } from '@kratos-ts/core/internal';
import { networkInterfaces } from 'node:os';
import type { Subscription } from 'rxjs';
import { bindFailureHint } from './bind-failure-hint.js';
import { grpcEndpoint } from './grpc-endpoint.js';
import { grpcServerTlsError } from './grpc-server-tls-error.js';
import { GrpcErrorCode } from './grpc-error-codes.js';
import { GrpcWarningCode } from './grpc-warning-codes.js';
import { guardImplementation, type GrpcHandlerFailure } from './guard-implementation.js';
import { handlerFailureMessage } from './handler-failure-message.js';
import {
  resolveGrpcServerOptions,
  type GrpcServerOptions,
  type GrpcService,
  type ResolvedGrpcServerOptions,
} from './grpc-server-options.js';
import { HealthService } from './health-service.js';
import { isServing } from './is-serving.js';
import { serviceNameOf } from './service-name.js';
import { serverTelemetryInterceptor } from './telemetry/server-telemetry-interceptor.js';

/**
 * A gRPC server on `@grpc/grpc-js` that the kernel runs (Kratos `transport/grpc.Server`).
 *
 * - `start(signal)` binds host:port and resolves once it serves; a bind failure rejects with
 *   `KRATOS_GRPC_BIND_FAILED` naming host:port.
 * - Health (`grpc.health.v1`, on by default): `''` and every service name are SERVING while the
 *   kernel is `running`, and NOT_SERVING from the first instant of `stopping`, before beforeStop
 *   hooks, deregistration and the drain delay. Standalone (no kernel attached): SERVING from the
 *   end of `start()` until `stop()` is called.
 * - `stop(signal)`: `tryShutdown` (no new calls; in-flight calls finish), ending open health Watch
 *   streams; when `signal` aborts (the stop timeout), `forceShutdown` cancels what is left.
 * - A handler that throws or returns a rejected promise ends its call with `INTERNAL` and the error
 *   is logged (with the method path) through the kernel's logger; the process keeps serving.
 * - Telemetry (OpenTelemetry API; nothing while no SDK is registered): a SERVER span per call named
 *   `package.Service/Method`, a child of the request's `traceparent` metadata, in which the handler
 *   runs; `rpc.server.duration` (ms) and `rpc.server.active_requests`. Health and reflection calls
 *   are not measured. See docs/grpc.md.
 *
 * @example
 * container.bind(SERVER).toDynamicValue((ctx) =>
 *   new GrpcServer({ port: 9000, services: [{ definition: GreeterService, implementation: ctx.get(Greeter) }] }),
 * );
 */
export class GrpcServer implements TransportServer {
  /** Used in logs and errors when the server is not decorated with `@Server({ name })`. */
  readonly name: string;
  /** The health service; set statuses of extra names on it if needed. */
  readonly health: HealthService = new HealthService();
  readonly #options: ResolvedGrpcServerOptions;
  readonly #services: GrpcService[];
  #server: GrpcJsServer | undefined;
  #port: number | undefined;
  #listening = false;
  #stopping = false;
  #kernelState: LifecycleState | undefined;
  #kernelSubscription: Subscription | undefined;
  #logger: Logger | undefined;

  /**
   * @throws KratosError `KRATOS_GRPC_INVALID_OPTIONS` listing every invalid option, or
   * `KRATOS_GRPC_FOREIGN_GRPC_JS` when `credentials` come from another copy of `@grpc/grpc-js`.
   */
  constructor(options: GrpcServerOptions = {}) {
    const resolved = resolveGrpcServerOptions(options);
    this.#options = resolved;
    this.name = resolved.name;
    this.#services = [...resolved.services];
    this.#refreshHealth();
  }

  /** The port bound by `start()` (the OS-chosen one for `port: 0`); `undefined` when not started. */
  get port(): number | undefined {
    return this.#port;
  }

  /** The grpc-js server while started, for what the options do not cover. */
  get grpcServer(): GrpcJsServer | undefined {
    return this.#server;
  }

  /**
   * Adds a service to serve from the next `start()` (as `grpc.Server#addService`). Its name gets a
   * health status.
   */
  addService(definition: ServiceDefinition, implementation: GrpcService['implementation']): this {
    this.#services.push({ definition, implementation });
    this.#refreshHealth();
    return this;
  }

  /**
   * Called by the kernel before `start`: health then follows the kernel's state, and handler
   * failures go to the kernel's logger.
   */
  attachKernel(kernel: KernelView): void {
    // Any kernel view's logger: a log call that throws must not break a call's guard.
    this.#logger = safeLogger(kernel.logger);
    this.#kernelSubscription?.unsubscribe();
    this.#kernelState = kernel.state;
    this.#kernelSubscription = kernel.state$.subscribe((state) => {
      this.#kernelState = state;
      this.#refreshHealth();
    });
    this.#refreshHealth();
  }

  /**
   * Binds host:port and resolves once the server serves. Rejects with `KRATOS_GRPC_TLS_INVALID` when
   * the key, certificate chain or root certificates of `credentials` are unusable, with
   * `KRATOS_GRPC_BIND_FAILED` when the address cannot be bound, or with `signal.reason` when
   * `signal` aborts first.
   */
  start(signal: AbortSignal): Promise<void> {
    if (this.#server) {
      return Promise.reject(
        new KratosError(
          GrpcErrorCode.AlreadyStarted,
          `gRPC server "${this.name}" is already started on ${this.#address()}. Call stop() before starting it again.`,
        ),
      );
    }
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    // grpc-js reports bad TLS material as a bind failure, and takes any bytes as root certificates.
    const tlsError = grpcServerTlsError(this.name, this.#options.credentials);
    if (tlsError) return Promise.reject(tlsError);
    let server: GrpcJsServer;
    try {
      server = this.#createServer();
    } catch (cause: unknown) {
      return Promise.reject(
        invalidOptions(
          GrpcErrorCode.InvalidOptions,
          `GrpcServer "${this.name}"`,
          [
            `its services could not be added (${describeError(cause).replace(/\.$/, '')}): add each service once (options.services or addService()), with a definition from @grpc/proto-loader or generated code`,
          ],
          { cause },
        ),
      );
    }
    this.#server = server;
    this.#stopping = false;
    this.health.reopen();
    const address = hostPort(this.#options.host, this.#options.port);
    return new Promise<void>((resolve, reject) => {
      const fail = (error: Error): void => {
        signal.removeEventListener('abort', onAbort);
        server.forceShutdown();
        if (this.#server === server) this.#server = undefined;
        reject(error);
      };
      const onAbort = (): void => fail(signal.reason as Error);
      signal.addEventListener('abort', onAbort, { once: true });
      const onBound = (error: Error | null, port: number): void => {
        if (signal.aborted) {
          // Already rejected; a bind that completed anyway must not keep listening.
          server.forceShutdown();
          return;
        }
        if (error) {
          fail(this.#bindError(address, error));
          return;
        }
        signal.removeEventListener('abort', onAbort);
        this.#port = port;
        this.#listening = true;
        this.#refreshHealth();
        resolve();
      };
      try {
        server.bindAsync(address, this.#options.credentials ?? ServerCredentials.createInsecure(), onBound);
      } catch (error: unknown) {
        fail(this.#bindError(address, error));
      }
    });
  }

  /**
   * Stops gracefully: health turns NOT_SERVING, open Watch streams are ended, no new call is
   * accepted and in-flight calls finish. When `signal` aborts, what is left is cancelled
   * (`forceShutdown`). Resolves once the server is down.
   */
  async stop(signal: AbortSignal): Promise<void> {
    const server = this.#server;
    this.#stopping = true;
    this.#refreshHealth();
    const watchesEnded = this.health.endWatches();
    if (!server) return;
    await untilAborted(watchesEnded, signal);
    await new Promise<void>((resolve) => {
      const force = (): void => server.forceShutdown();
      server.tryShutdown(() => {
        signal.removeEventListener('abort', force);
        resolve();
      });
      if (signal.aborted) force();
      else signal.addEventListener('abort', force, { once: true });
    });
    this.#listening = false;
    this.#port = undefined;
    if (this.#server === server) this.#server = undefined;
  }

  /**
   * `grpc://IP:PORT` (`grpcs` with TLS credentials) with the bound port; for a wildcard host, this
   * machine's first non-internal IPv4 (127.0.0.1 when none). `undefined` before `start()`.
   */
  endpoint(): string | undefined {
    if (this.#port === undefined) return undefined;
    return grpcEndpoint({
      secure: this.#options.credentials?._isSecure() ?? false,
      host: this.#options.host,
      port: this.#port,
      interfaces: networkInterfaces(),
    });
  }

  #createServer(): GrpcJsServer {
    const { options } = this.#options;
    // First, so that the span wraps the user's interceptors and every handler runs in it.
    const interceptors = [serverTelemetryInterceptor(this.name), ...(options.interceptors ?? [])];
    const server = new GrpcJsServer({ ...options, interceptors });
    const onFailure = (error: unknown, path: string, failure: GrpcHandlerFailure): void =>
      this.#handlerFailed(error, path, failure);
    for (const { definition, implementation } of this.#services) {
      server.addService(definition, guardImplementation(definition, implementation, onFailure));
    }
    if (this.#options.health) this.health.addToServer(server);
    if (this.#options.reflection.length > 0) {
      const merged = Object.assign({}, ...this.#options.reflection) as PackageDefinition;
      new ReflectionService(merged).addToServer(server);
    }
    return server;
  }

  #handlerFailed(error: unknown, path: string, failure: GrpcHandlerFailure): void {
    const message = handlerFailureMessage(this.name, path, error, failure);
    // Standalone (no kernel), a warning is the one channel every Node process has.
    const code = GrpcWarningCode.HandlerFailed;
    if (this.#logger) this.#logger.error({ err: error, method: path, server: this.name, code }, message);
    else process.emitWarning(message, { code });
  }

  #refreshHealth(): void {
    const status = isServing({
      kernelState: this.#kernelState,
      listening: this.#listening,
      stopping: this.#stopping,
    })
      ? 'SERVING'
      : 'NOT_SERVING';
    this.health.setStatus('', status);
    for (const { definition } of this.#services) {
      const name = serviceNameOf(definition);
      if (name !== undefined) this.health.setStatus(name, status);
    }
  }

  #address(): string {
    return hostPort(this.#options.host, this.#port ?? this.#options.port);
  }

  #bindError(address: string, cause: unknown): KratosError {
    const detail = describeError(cause).replace(/\.$/, '');
    const hint = bindFailureHint(cause);
    return new KratosError(
      GrpcErrorCode.BindFailed,
      `gRPC server "${this.name}" could not listen on ${address}: ${detail}.${hint ? ` ${hint}` : ''}`,
      { cause },
    );
  }
}

/** Waits for `task`, but no longer than until `signal` aborts (not at all if it already did). */
function untilAborted(task: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = (): void => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    void task.then(done, done);
  });
}
