import { request as httpRequest, type Agent, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, type Socket } from 'node:net';

/** A complete response as a client saw it. */
export interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** What `get` may be given besides the URL. */
export interface GetOptions {
  readonly agent?: Agent | false;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  /** A CA certificate to trust (HTTPS). */
  readonly ca?: string;
}

/** One request over node:http(s); resolves once the whole body is read, rejects on any socket error. */
export function get(url: string, options: GetOptions = {}): Promise<Reply> {
  const send = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise<Reply>((resolve, reject) => {
    const req = send(
      url,
      {
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
        ...(options.agent !== undefined ? { agent: options.agent } : {}),
        ...(options.ca !== undefined ? { ca: options.ca } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Opens a TCP connection to 127.0.0.1:port: `'connected'` (then closed at once) or the error code. */
export function tcpConnect(port: number): Promise<string> {
  return new Promise<string>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/**
 * A hand-written HTTP/1.1 client on one TCP socket, so a test controls exactly when bytes are
 * written and sees exactly when the server closes the socket. Reads responses with a Content-Length.
 */
export class RawHttpClient {
  /** Settles when the server closed the socket (`end` or `close`), with what was seen. */
  readonly closed: Promise<'end' | 'close'>;
  #buffer = Buffer.alloc(0);
  #waiting: (() => void) | undefined;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#waiting?.();
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => {
      socket.once('end', () => resolve('end'));
      socket.once('close', () => resolve('close'));
    });
  }

  /** Connects to 127.0.0.1:port. */
  static connect(port: number): Promise<RawHttpClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => resolve(new RawHttpClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Writes a keep-alive GET for `path` (synchronously into the kernel on loopback). */
  send(path: string): void {
    this.socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  }

  /** The next complete response; rejects when the socket closes first. */
  async read(): Promise<Reply> {
    for (;;) {
      const reply = this.#take();
      if (reply) return reply;
      if (this.socket.destroyed || this.socket.readableEnded)
        throw new Error('socket closed before a response');
      await new Promise<void>((resolve) => {
        this.#waiting = resolve;
        this.socket.once('close', resolve);
      });
    }
  }

  #take(): Reply | undefined {
    const end = this.#buffer.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine = '', ...lines] = this.#buffer.subarray(0, end).toString().split('\r\n');
    const headers: IncomingHttpHeaders = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    if (this.#buffer.length < end + 4 + length) return undefined;
    const body = this.#buffer.subarray(end + 4, end + 4 + length).toString();
    this.#buffer = this.#buffer.subarray(end + 4 + length);
    return { status: Number(statusLine.split(' ')[1]), headers, body };
  }
}
