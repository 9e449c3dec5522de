import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';

export interface JsonRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  rawBody: string;
  /** When the request arrived, before its body was read and before `latencyMs`: when a real API counts it. */
  receivedAt: number;
}

/**
 * What a simulator answers: JSON, a hang (client timeout), a reset connection, raw text, or an answer
 * written only after `afterMs` (the work was done, the client may have given up waiting).
 */
export type SimulatedAnswer =
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'text'; status: number; body: string }
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'late'; afterMs: number; answer: SimulatedAnswer };

export const json = (status: number, body: unknown, headers?: Record<string, string>): SimulatedAnswer => ({
  kind: 'json',
  status,
  body,
  headers,
});

/**
 * Base of the simulators: a tiny HTTP server that reads the body, asks `answer`, writes JSON. Tracks
 * sockets so `stop()` ends at once even with keep-alive clients or hung requests.
 */
export abstract class JsonHttpSimulator {
  private server?: Server;
  private host = '127.0.0.1';
  private readonly sockets = new Set<Socket>();
  private readonly hung = new Set<ServerResponse>();
  /** Added before every answer, like a remote API's latency. */
  latencyMs = 0;

  protected abstract answer(request: JsonRequest): SimulatedAnswer | Promise<SimulatedAnswer>;

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 65_000;
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    // A port in use rejects here instead of crashing the process with an unhandled 'error' event.
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.host = host === '0.0.0.0' ? '127.0.0.1' : host;
    return this.url;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('simulator not started');
    return `http://${this.host}:${address.port}`;
  }

  get port(): number {
    return (this.server?.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    for (const res of this.hung) res.destroy();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = Date.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://simulator');
    const request: JsonRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      rawBody: Buffer.concat(chunks).toString('utf8'),
      receivedAt,
    };
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    this.write(req, res, await this.answer(request));
  }

  private write(req: IncomingMessage, res: ServerResponse, answer: SimulatedAnswer): void {
    switch (answer.kind) {
      case 'hang':
        this.hung.add(res);
        res.on('close', () => this.hung.delete(res));
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'late':
        this.hung.add(res);
        res.on('close', () => this.hung.delete(res));
        setTimeout(() => {
          this.hung.delete(res);
          if (!res.destroyed && !res.writableEnded) this.write(req, res, answer.answer);
        }, answer.afterMs).unref();
        return;
      case 'text':
        res.writeHead(answer.status, { 'content-type': 'text/html' }).end(answer.body);
        return;
      case 'json':
        res
          .writeHead(answer.status, { 'content-type': 'application/json; charset=UTF-8', ...answer.headers })
          .end(JSON.stringify(answer.body));
    }
  }
}
