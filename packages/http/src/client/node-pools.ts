import type { ConnectionOptions } from 'node:tls';
import { redact, type Logger } from '@kratos-ts/core';
import type { Node } from '@kratos-ts/discovery';
import { Pool } from 'undici';

/** What `NodePools` needs besides the nodes. */
export interface NodePoolsOptions {
  /** Named in logs. */
  readonly service: string;
  readonly logger: Logger;
  /** TLS options of every connection (https nodes). */
  readonly tls?: ConnectionOptions | undefined;
}

/**
 * One keep-alive undici `Pool` per node, created on the node's first pick. A node that leaves has
 * its pool closed gracefully (requests in flight on it finish); `close()` closes them all.
 */
export class NodePools {
  readonly #options: NodePoolsOptions;
  readonly #pools = new Map<string, Pool>();
  // Pools closing (of departed nodes, or all after close()) and when each is done: close() waits for them.
  readonly #retiring = new Map<Pool, Promise<void>>();
  #closed = false;

  constructor(options: NodePoolsOptions) {
    this.#options = options;
  }

  /** The endpoints that have a pool now. */
  get endpoints(): readonly string[] {
    return [...this.#pools.keys()];
  }

  /** The pool of `node`, created now if it has none. Throws after `close()`. */
  get(node: Node): Pool {
    if (this.#closed) throw new Error(`the pools of "${this.#options.service}" are closed`);
    let pool = this.#pools.get(node.endpoint);
    if (!pool) {
      const tls = this.#options.tls;
      pool = new Pool(node.endpoint, {
        // undici's connect options are node:tls ones; its types just forbid explicit undefined.
        ...(tls && node.scheme === 'https'
          ? { connect: { ...tls } as NonNullable<Pool.Options['connect']> }
          : {}),
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      this.#pools.set(node.endpoint, pool);
      this.#options.logger.debug(
        { service: this.#options.service, node: redact(node.endpoint) },
        `HTTP client of "${this.#options.service}": opened a connection pool to ${redact(node.endpoint)}`,
      );
    }
    return pool;
  }

  /** Closes, gracefully, the pool of every endpoint not in `endpoints` (nodes that left). */
  retain(endpoints: ReadonlySet<string>): void {
    for (const [endpoint, pool] of this.#pools) {
      if (endpoints.has(endpoint)) continue;
      this.#pools.delete(endpoint);
      this.#options.logger.debug(
        { service: this.#options.service, node: redact(endpoint) },
        `HTTP client of "${this.#options.service}": ${redact(endpoint)} left; closing its pool once its requests finish`,
      );
      this.#retire(pool);
    }
  }

  /**
   * Closes every pool, waiting for the requests in flight; when `signal` aborts first, destroys
   * them (those requests fail). Resolves once every socket is closed. Idempotent.
   */
  async close(signal?: AbortSignal): Promise<void> {
    this.#closed = true;
    for (const pool of this.#pools.values()) this.#retire(pool);
    this.#pools.clear();
    const destroyers: (() => void)[] = [];
    // A pool destroyed while requests wait in its queue never settles its close(): count its
    // destruction as the end too.
    const waits = [...this.#retiring].map(
      ([pool, done]) =>
        new Promise<void>((resolve) => {
          void done.then(resolve);
          destroyers.push(() => void pool.destroy(reasonOf(signal)).then(resolve, resolve));
        }),
    );
    const destroy = (): void => destroyers.forEach((destroyer) => destroyer());
    if (signal?.aborted) destroy();
    else signal?.addEventListener('abort', destroy, { once: true });
    try {
      await Promise.all(waits);
    } finally {
      signal?.removeEventListener('abort', destroy);
    }
  }

  #retire(pool: Pool): void {
    if (this.#retiring.has(pool)) return;
    const done = pool
      .close()
      .catch(() => undefined)
      .finally(() => this.#retiring.delete(pool));
    this.#retiring.set(pool, done);
  }
}

function reasonOf(signal: AbortSignal | undefined): Error | null {
  return signal?.reason instanceof Error ? signal.reason : null;
}
