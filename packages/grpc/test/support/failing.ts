import {
  credentials,
  loadPackageDefinition,
  type Client,
  type ClientDuplexStream,
  type ClientReadableStream,
  type ClientWritableStream,
  type sendUnaryData,
  type ServerDuplexStream,
  type ServerReadableStream,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServiceClientConstructor,
  type ServiceDefinition,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';

/** The path of failing.proto (fixtures). */
export const FAILING_PROTO = fileURLToPath(new URL('../fixtures/failing.proto', import.meta.url));

const failingPackage = loadSync(FAILING_PROTO, { keepCase: false, defaults: true });

/** `failing.v1.Failing` as a grpc-js service definition. */
export const FailingService = failingPackage['failing.v1.Failing'] as unknown as ServiceDefinition;

/** How a handler of `Failing` behaves. */
export type Mode = 'ok' | 'throw' | 'reject' | 'reply-then-reject';
export interface Ask {
  mode: Mode;
}
export interface Answer {
  text: string;
}

const failure = (mode: string): Error => new Error(`${mode} failed: secret=s3cr3t`);
const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

/**
 * Handlers that fail as `mode` says. A class with `this` in its methods, to check handlers are
 * called bound to it.
 */
export class Failing {
  readonly prefix = 'answer';

  unary(call: ServerUnaryCall<Ask, Answer>, callback: sendUnaryData<Answer>): void | Promise<void> {
    return this.#run(call.request.mode, () =>
      callback(null, { text: `${this.prefix} ${call.request.mode}` }),
    );
  }

  async clientStream(
    call: ServerReadableStream<Ask, Answer>,
    callback: sendUnaryData<Answer>,
  ): Promise<void> {
    const modes: string[] = [];
    for await (const ask of call as AsyncIterable<Ask>) modes.push(ask.mode);
    if (modes.includes('reject')) throw failure('clientStream');
    callback(null, { text: `${this.prefix} ${modes.join(',')}` });
  }

  serverStream(call: ServerWritableStream<Ask, Answer>): void | Promise<void> {
    const { mode } = call.request;
    if (mode === 'throw') throw failure(mode);
    if (mode === 'ok') {
      call.write({ text: `${this.prefix} 1` });
      call.end();
      return;
    }
    return (async () => {
      call.write({ text: `${this.prefix} 1` });
      await tick();
      call.write({ text: `${this.prefix} 2` });
      if (mode === 'reply-then-reject') call.end();
      await tick();
      throw failure(mode);
    })();
  }

  // Events, not `for await`: a loop over the call destroys it when it ends, and a destroyed
  // stream never sends its status (grpc-js sends it from `_final`).
  bidi(call: ServerDuplexStream<Ask, Answer>): Promise<void> {
    return new Promise((resolve, reject) => {
      call.on('data', (ask: Ask) => {
        if (ask.mode === 'reject') reject(failure('bidi'));
        else call.write({ text: `${this.prefix} ${ask.mode}` });
      });
      call.on('end', () => {
        call.end();
        resolve();
      });
    });
  }

  #run(mode: Mode, reply: () => void): void | Promise<void> {
    switch (mode) {
      case 'throw':
        throw failure(mode);
      case 'reject':
        return tick().then(() => Promise.reject(failure(mode)));
      case 'reply-then-reject':
        reply();
        return tick().then(() => Promise.reject(failure(mode)));
      default:
        reply();
    }
  }
}

/** A client of failing.v1.Failing. */
export interface FailingClient extends Client {
  unary(request: Ask, callback: (error: ServiceError | null, reply?: Answer) => void): unknown;
  clientStream(callback: (error: ServiceError | null, reply?: Answer) => void): ClientWritableStream<Ask>;
  serverStream(request: Ask): ClientReadableStream<Answer>;
  bidi(): ClientDuplexStream<Ask, Answer>;
}

const failingGrpc = loadPackageDefinition(failingPackage) as unknown as {
  failing: { v1: { Failing: ServiceClientConstructor } };
};

/** A Failing client on 127.0.0.1:port. */
export function failingClient(port: number): FailingClient {
  return new failingGrpc.failing.v1.Failing(
    `127.0.0.1:${port}`,
    credentials.createInsecure(),
  ) as unknown as FailingClient;
}

/** How a call ended, as the client saw it: the messages received, then the status. */
export interface Outcome {
  readonly answers: string[];
  readonly code: number;
  readonly details: string;
}

function settled(error: ServiceError | null, reply: Answer | undefined): Outcome {
  return error
    ? { answers: [], code: error.code, details: error.details }
    : { answers: reply ? [reply.text] : [], code: 0, details: 'OK' };
}

/** Calls Unary. */
export function unary(client: FailingClient, mode: Mode): Promise<Outcome> {
  return new Promise((resolve) => client.unary({ mode }, (error, reply) => resolve(settled(error, reply))));
}

/** Calls ClientStream with one message per mode. */
export function clientStream(client: FailingClient, modes: readonly Mode[]): Promise<Outcome> {
  return new Promise((resolve) => {
    const call = client.clientStream((error, reply) => resolve(settled(error, reply)));
    for (const mode of modes) call.write({ mode });
    call.end();
  });
}

/** Reads a response stream to its end (the status). */
function drain(call: ClientReadableStream<Answer> | ClientDuplexStream<Ask, Answer>): Promise<Outcome> {
  return new Promise((resolve) => {
    const answers: string[] = [];
    call.on('data', (answer: Answer) => answers.push(answer.text));
    call.on('error', (error: ServiceError) => resolve({ answers, code: error.code, details: error.details }));
    call.on('status', ({ code, details }: { code: number; details: string }) => {
      if (code === 0) resolve({ answers, code, details });
    });
  });
}

/** Calls ServerStream. */
export function serverStream(client: FailingClient, mode: Mode): Promise<Outcome> {
  return drain(client.serverStream({ mode }));
}

/** Calls Bidi, sending one message per mode. */
export function bidi(client: FailingClient, modes: readonly Mode[]): Promise<Outcome> {
  const call = client.bidi();
  const outcome = drain(call);
  for (const mode of modes) call.write({ mode });
  call.end();
  return outcome;
}
