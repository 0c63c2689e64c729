import {
  status as GrpcStatus,
  type sendUnaryData,
  type Server,
  type ServerUnaryCall,
  type ServerWritableStream,
} from '@grpc/grpc-js';
import { service as healthDefinition } from 'grpc-health-check';

/** A status a service can be set to. */
export type HealthStatus = 'SERVING' | 'NOT_SERVING';

/** What `Watch` sends: a set status, or `SERVICE_UNKNOWN` for a name that has none (yet). */
export type WatchedStatus = HealthStatus | 'SERVICE_UNKNOWN';

interface HealthRequest {
  readonly service?: string;
}

interface HealthResponse {
  readonly status: WatchedStatus;
}

interface HealthListResponse {
  readonly statuses: Record<string, { readonly status: HealthStatus }>;
}

interface OpenWatch {
  readonly service: string;
  readonly call: ServerWritableStream<HealthRequest, HealthResponse>;
}

/** More services than this and `List` answers RESOURCE_EXHAUSTED, as grpc-health-check does. */
const LIST_LIMIT = 100;

/**
 * `grpc.health.v1.Health` (Check, Watch, List) on the service definition that grpc-health-check
 * ships. It is written here rather than taken from grpc-health-check's `HealthImplementation`
 * because that one cannot end its Watch streams, and an open stream holds `tryShutdown()` until the
 * stop timeout: this one tracks them, and `GrpcServer` ends them as it stops, once they were told
 * NOT_SERVING.
 */
export class HealthService {
  readonly #statuses = new Map<string, HealthStatus>();
  readonly #watches = new Set<OpenWatch>();
  #closing = false;

  /** Sets the status of `service` (`''` is the server as a whole); open Watch streams of it hear it. */
  setStatus(service: string, status: HealthStatus): void {
    if (this.#statuses.get(service) === status) return;
    this.#statuses.set(service, status);
    for (const watch of this.#watches) {
      if (watch.service === service) watch.call.write({ status });
    }
  }

  /** The status of `service`, `undefined` when it has none. */
  statusOf(service: string): HealthStatus | undefined {
    return this.#statuses.get(service);
  }

  /** How many Watch streams are open. */
  get openWatches(): number {
    return this.#watches.size;
  }

  /**
   * @internal `GrpcServer` calls it as it stops.
   * Ends every open Watch stream with status OK, each after the current status was written to it,
   * and ends each new one right after its first message, until `reopen()`. Set NOT_SERVING first.
   * Resolves once every stream it ended has finished (its status is on its way to the client):
   * shut the server down only then, since grpc-js may never send the status of a stream ended
   * while `tryShutdown()` is closing its session.
   */
  endWatches(): Promise<void> {
    this.#closing = true;
    return Promise.all([...this.#watches].map((watch) => this.#end(watch))).then(() => undefined);
  }

  /** @internal `GrpcServer` calls it as it starts: Watch streams stay open again (a new `start()`). */
  reopen(): void {
    this.#closing = false;
  }

  /** @internal `GrpcServer` calls it to add the Health service to its grpc-js server. */
  addToServer(server: Pick<Server, 'addService'>): void {
    server.addService(healthDefinition, {
      check: (
        call: ServerUnaryCall<HealthRequest, HealthResponse>,
        callback: sendUnaryData<HealthResponse>,
      ) => this.#check(call, callback),
      watch: (call: ServerWritableStream<HealthRequest, HealthResponse>) => this.#watch(call),
      list: (
        _call: ServerUnaryCall<object, HealthListResponse>,
        callback: sendUnaryData<HealthListResponse>,
      ) => this.#list(callback),
    });
  }

  #check(
    call: ServerUnaryCall<HealthRequest, HealthResponse>,
    callback: sendUnaryData<HealthResponse>,
  ): void {
    const service = call.request.service ?? '';
    const status = this.#statuses.get(service);
    if (status) callback(null, { status });
    else callback({ code: GrpcStatus.NOT_FOUND, details: `Health status unknown for service "${service}"` });
  }

  #watch(call: ServerWritableStream<HealthRequest, HealthResponse>): void {
    const watch: OpenWatch = { service: call.request.service ?? '', call };
    const forget = (): void => void this.#watches.delete(watch);
    call.on('cancelled', forget);
    call.on('error', forget);
    call.on('finish', forget);
    this.#watches.add(watch);
    call.write({ status: this.#statuses.get(watch.service) ?? 'SERVICE_UNKNOWN' });
    if (this.#closing) void this.#end(watch);
  }

  #list(callback: sendUnaryData<HealthListResponse>): void {
    if (this.#statuses.size > LIST_LIMIT) {
      callback({ code: GrpcStatus.RESOURCE_EXHAUSTED, details: 'Too many services to list.' });
      return;
    }
    const statuses: Record<string, { status: HealthStatus }> = {};
    for (const [service, status] of this.#statuses) statuses[service] = { status };
    callback(null, { statuses });
  }

  #end(watch: OpenWatch): Promise<void> {
    this.#watches.delete(watch);
    const { call } = watch;
    if (call.writableFinished || call.destroyed) return Promise.resolve();
    const finished = new Promise<void>((resolve) => {
      for (const event of ['finish', 'close', 'cancelled', 'error']) call.once(event, () => resolve());
    });
    if (!call.writableEnded) call.end();
    return finished;
  }
}
