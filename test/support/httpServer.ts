/**
 * A real HTTP(S) server on 127.0.0.1 for tests, scripted per request. Records every request it got (body already
 * gunzipped) so tests assert on what actually crossed the wire.
 */
import {
  createServer as createHttpServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer, type ServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** Body bytes as they crossed the wire (before gunzip). */
  readonly wireBytes: number;
}

export type Reply = { status: number; headers?: Record<string, string>; body?: string | object };
/** Returns the reply, or takes over the raw response itself (to hang or reset) by returning undefined. */
export type Script = (
  request: RecordedRequest,
  index: number,
  raw: { request: IncomingMessage; response: ServerResponse },
) => Reply | undefined | Promise<Reply | undefined>;

export interface TestServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Before a request's body is read: true cuts the connection as soon as the body starts to arrive. */
export type Interrupt = (arrival: number, request: IncomingMessage) => boolean;

export async function startServer(script: Script, tls?: ServerOptions, interrupt?: Interrupt): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  let arrivals = 0;
  const handler = async (request: IncomingMessage, response: ServerResponse) => {
    if (interrupt?.(arrivals++, request)) {
      request.once('data', () => request.socket.destroy());
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    let body = Buffer.concat(chunks);
    const wireBytes = body.length;
    if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
    const recorded = {
      method: request.method ?? '',
      path: request.url ?? '',
      headers: request.headers,
      body: body.toString('utf8'),
      wireBytes,
    };
    requests.push(recorded);
    const reply = await script(recorded, requests.length - 1, { request, response });
    if (!reply) return;
    const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
    response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end(text);
  };
  const server = tls
    ? createHttpsServer(tls, (q, s) => void handler(q, s))
    : createHttpServer((q, s) => void handler(q, s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The records in an ndjson request body. */
export function ndjsonLines(request: RecordedRequest): string[] {
  return request.body.split('\n').filter((line) => line !== '');
}
