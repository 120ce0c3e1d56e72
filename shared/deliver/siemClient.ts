/**
 * The HTTP connection to the SIEM: one keep-alive pool per process, a timeout on every request, and a response
 * body read only as far as anyone needs it.
 */
import { Agent, request } from 'undici';
import type { SiemRequest } from '../sinks/sink.js';
import type { SiemResponse } from './outcome.js';

const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

export interface SiemClientOptions {
  readonly timeoutMs: number;
  readonly connections: number;
  readonly tls?: { readonly ca?: string; readonly cert?: string; readonly key?: string };
}

export class SiemClient {
  readonly #agent: Agent;
  readonly #timeoutMs: number;

  constructor(options: SiemClientOptions) {
    this.#timeoutMs = options.timeoutMs;
    this.#agent = new Agent({
      connections: options.connections,
      keepAliveTimeout: 30_000,
      connect: { timeout: options.timeoutMs, ...options.tls },
    });
  }

  /**
   * Sends one request; network failures and timeouts throw. The whole exchange, upload included, is bounded by
   * the timeout: undici's own timers only watch for response headers and body.
   */
  async post(siemRequest: SiemRequest, signal?: AbortSignal): Promise<SiemResponse> {
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const response = await request(siemRequest.url, {
      method: 'POST',
      headers: siemRequest.headers,
      body: siemRequest.body,
      dispatcher: this.#agent,
      headersTimeout: this.#timeoutMs,
      bodyTimeout: this.#timeoutMs,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    return { status: response.statusCode, headers: response.headers, body: await readCapped(response.body) };
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    length += chunk.length;
    if (length >= MAX_RESPONSE_BYTES) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}
