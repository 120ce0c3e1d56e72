/**
 * The HTTP connection to the SIEM: a keep-alive pool per TLS identity, a timeout on every request, gzip when
 * asked, and a response body read only as far as anyone needs it. The TLS identity (an extra CA, a client
 * certificate) comes from Key Vault, so pools are made when a request first needs one and replaced when the
 * secret rotates.
 */
import { rootCertificates } from 'node:tls';
import { Agent, request } from 'undici';
import { parseClientCertificate } from '../auth/clientCertificate.js';
import { headerValueProblem } from '../config/secretText.js';
import type { SecretValue } from '../types/secretValue.js';
import type { SecretProvider } from '../secrets/secretProvider.js';
import type { SiemRequest } from '../types/sink.js';
import { withTimeout } from '../timeout/withTimeout.js';
import { compressBody } from './compress.js';
import type { SiemResponse } from '../types/outcome.js';

const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
/** Per client identity, the pool in use and the one before it, so requests built just before a rotation still find theirs. */
const POOLS_KEPT = 2;

export interface SiemClientOptions {
  readonly timeoutMs: number;
  readonly connections: number;
  /** Extra CA certificates (PEM) the SIEM's certificate chains to, trusted besides the public roots. */
  readonly ca?: SecretProvider;
  readonly gzip?: boolean;
  /** Client certificates in use at once (SIEM_AUTH=mtls with a secret per route); each keeps its own pools. */
  readonly clientIdentities?: number;
}

interface Pool {
  readonly ca: SecretValue | undefined;
  readonly clientCertificate: SecretValue | undefined;
  readonly agent: Agent;
}

/** A request header whose value cannot be sent; names the header, never the value (it may be the credential). */
export class UnsendableHeaderError extends Error {
  readonly code = 'UNSENDABLE_HEADER';

  constructor(name: string, problem: string) {
    super(`the request header "${name}" cannot be sent: ${problem}`);
    this.name = 'UnsendableHeaderError';
  }
}

export class SiemClient {
  readonly #options: SiemClientOptions;
  #pools: Pool[] = [];

  constructor(options: SiemClientOptions) {
    this.#options = options;
  }

  /**
   * Sends one request; network failures and timeouts throw. The whole exchange (the pool's CA from Key Vault,
   * compression, upload, answer) ends within the timeout, whatever undici does: undici's own timers only watch
   * for response headers and body, and a request queued in a pool undici has wedged never heeds its signal.
   */
  async post(siemRequest: SiemRequest, signal?: AbortSignal): Promise<SiemResponse> {
    // undici refuses such a header. Refused while the request waited for a busy pool, it also leaves one of the
    // pool's connections marked busy for good, and the requests queued behind it never start nor heed a signal.
    for (const [name, value] of Object.entries(siemRequest.headers)) {
      const problem = headerValueProblem(value);
      if (problem !== undefined) throw new UnsendableHeaderError(name, problem);
    }
    return withTimeout(this.#options.timeoutMs, 'the SIEM', (timeout) =>
      this.#send(siemRequest, signal ? AbortSignal.any([signal, timeout]) : timeout),
    );
  }

  async #send(siemRequest: SiemRequest, signal: AbortSignal): Promise<SiemResponse> {
    const agent = await this.#agentFor(siemRequest.clientCertificate);
    const method = siemRequest.method ?? 'POST';
    const gzip = this.#options.gzip === true && method === 'POST';
    const response = await request(siemRequest.url, {
      method,
      headers: gzip ? { ...siemRequest.headers, 'content-encoding': 'gzip' } : siemRequest.headers,
      body: method === 'GET' ? null : gzip ? await compressBody(siemRequest.body) : siemRequest.body,
      dispatcher: agent,
      headersTimeout: this.#options.timeoutMs,
      bodyTimeout: this.#options.timeoutMs,
      signal,
    });
    return { status: response.statusCode, headers: response.headers, body: await readCapped(response.body) };
  }

  async close(): Promise<void> {
    const pools = this.#pools;
    this.#pools = [];
    await Promise.all(pools.map((pool) => pool.agent.close()));
  }

  async #agentFor(clientCertificate: SecretValue | undefined): Promise<Agent> {
    const ca = await this.#options.ca?.get();
    const index = this.#pools.findIndex((pool) => pool.ca === ca && pool.clientCertificate === clientCertificate);
    if (index >= 0) {
      // Most recently used first, so the pools retired are those no route has used for longest.
      if (index > 0) this.#pools.unshift(...this.#pools.splice(index, 1));
      return this.#pools[0]!.agent;
    }
    const identity = clientCertificate === undefined ? {} : parseClientCertificate(clientCertificate.reveal());
    const agent = new Agent({
      connections: this.#options.connections,
      keepAliveTimeout: 30_000,
      connect: {
        timeout: this.#options.timeoutMs,
        // A `ca` option replaces Node's trust store, so the public roots are passed along with the extra CA.
        ...(ca === undefined ? {} : { ca: [...rootCertificates, ca.reveal()] }),
        ...identity,
      },
    });
    this.#pools.unshift({ ca, clientCertificate, agent });
    // Requests still running on a retired pool finish first; close() waits for them.
    for (const retired of this.#pools.splice(POOLS_KEPT * (this.#options.clientIdentities ?? 1)))
      void retired.agent.close().catch(() => undefined);
    return agent;
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
