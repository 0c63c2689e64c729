import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { CallFeedback, Node, PickOptions, Picked, Selector } from '@kratos-ts/discovery';
import type { ServiceInstance } from '@kratos-ts/core';

/** A handler of a test node; `node` is the node itself (its id, hit count …). */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse, node: TestNode) => void;

/** A `node:http` server on 127.0.0.1 and an OS-chosen port, with what it saw. */
export interface TestNode {
  readonly id: string;
  readonly port: number;
  /** `http://127.0.0.1:PORT`. */
  readonly endpoint: string;
  readonly server: Server;
  /** The instance to register (service `greeter` unless told otherwise). */
  readonly instance: ServiceInstance;
  /** Requests that reached the handler. */
  readonly hits: number;
  /** Connections accepted, and how many are still open. */
  readonly connections: { readonly accepted: number; readonly open: number };
  /** Resolves once every connection accepted so far is closed. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const nodes = new Set<TestNode>();

/** Answers 200 with the node's id as body, after reading the request body. */
export const answerId: NodeHandler = (req, res, node) => {
  req.resume();
  req.on('end', () => res.end(node.id));
};

/** Starts a test node; `closeEvery()` closes it. */
export async function startNode(
  id: string,
  handler: NodeHandler = answerId,
  service = 'greeter',
): Promise<TestNode> {
  const sockets = new Set<Socket>();
  let hits = 0;
  let accepted = 0;
  const server = createServer({ keepAliveTimeout: 30_000 });
  server.on('connection', (socket: Socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://127.0.0.1:${port}`;
  const node: TestNode = {
    id,
    port,
    endpoint,
    server,
    instance: instanceOf(id, endpoint, service),
    get hits() {
      return hits;
    },
    get connections() {
      return { accepted, open: sockets.size };
    },
    idle: () =>
      Promise.all(
        [...sockets].map(
          (socket) => new Promise<void>((r) => (socket.destroyed ? r() : socket.once('close', () => r()))),
        ),
      ).then(() => undefined),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    hits += 1;
    handler(req, res, node);
  });
  nodes.add(node);
  return node;
}

/** Closes every node `startNode` started; for `afterEach`. */
export async function closeEvery(): Promise<void> {
  const all = [...nodes];
  nodes.clear();
  await Promise.all(all.map((node) => node.close()));
}

/** A loopback port nothing listens on (it was bound, then closed): connecting to it is refused. */
export async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A registry instance with one endpoint. */
export function instanceOf(id: string, endpoint: string, service = 'greeter'): ServiceInstance {
  return { id, name: service, version: '1.0.0', metadata: {}, endpoints: [endpoint] };
}

/** One attempt as a recording selector saw it. */
export interface Pick {
  readonly endpoint: string;
  readonly exclude: readonly string[];
  feedback?: CallFeedback;
}

/**
 * A deterministic selector: picks the first node, in list order, not excluded (the first of all
 * when every node is), and records every pick with its feedback.
 */
export function orderedSelector(): Selector & { readonly picks: Pick[] } {
  const picks: Pick[] = [];
  return {
    name: 'ordered',
    picks,
    pick(list: readonly Node[], options?: PickOptions): Picked {
      const exclude = options?.exclude ?? new Set<string>();
      const node = list.find((candidate) => !exclude.has(candidate.endpoint)) ?? list[0]!;
      const pick: Pick = { endpoint: node.endpoint, exclude: [...exclude] };
      picks.push(pick);
      return { node, done: (feedback) => (pick.feedback ??= feedback) };
    },
  };
}

/** Resolves after `ms` (integration tests only). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
