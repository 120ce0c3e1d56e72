/**
 * A small SIEM endpoint for trying the forwarder without a SIEM: accepts the ndjson and json formats (gzip too),
 * checks the credential, validates every record, and appends what it accepted to one file per category.
 * `defender-forwarder receive` runs it; the demo and the tests use it as the real HTTP peer it is.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { JsonScanner } from '../../shared/unpack/jsonScanner.js';

export interface ReceiverOptions {
  readonly host?: string;
  readonly port?: number;
  /** Where accepted records are appended, one <category>.ndjson per category; nothing is written when unset. */
  readonly outDir?: string;
  /** When set, requests must carry it: as a bearer token, or in `authHeader`. */
  readonly token?: string;
  readonly authHeader?: string;
}

export interface ReceivedBatch {
  readonly category: string;
  readonly records: readonly string[];
  readonly headers: IncomingMessage['headers'];
}

export class SiemReceiver {
  readonly #options: ReceiverOptions;
  readonly #server: Server;
  readonly batches: ReceivedBatch[] = [];
  readonly counts = new Map<string, number>();

  constructor(options: ReceiverOptions = {}) {
    this.#options = options;
    this.#server = createServer((request, response) => {
      this.#handle(request, response).catch((error: unknown) => reply(response, 500, { error: String(error) }));
    });
  }

  async start(): Promise<string> {
    const host = this.#options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#options.port ?? 0, host, resolve);
    });
    if (this.#options.outDir) await mkdir(this.#options.outDir, { recursive: true });
    const { port } = this.#server.address() as AddressInfo;
    return `http://${host}:${port}`;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  get received(): number {
    let total = 0;
    for (const count of this.counts.values()) total += count;
    return total;
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'POST') return reply(response, 405, { error: 'POST only' });
    if (!this.#authorized(request)) return reply(response, 401, { error: 'missing or wrong credential' });
    let body = await readBody(request);
    if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
    const texts = splitRecords(body.toString('utf8'), request.headers['content-type'] ?? '');
    if (texts === undefined) return reply(response, 400, { error: 'body is not ndjson or a json array' });

    const byCategory = new Map<string, string[]>();
    for (const [i, text] of texts.entries()) {
      let record: unknown;
      try {
        record = JSON.parse(text);
      } catch {
        return reply(response, 400, { error: `record ${i} is not valid JSON` });
      }
      const category = (record as { category?: unknown } | null)?.category;
      if (typeof category !== 'string') return reply(response, 400, { error: `record ${i} has no category` });
      byCategory.set(category, [...(byCategory.get(category) ?? []), text]);
    }
    for (const [category, records] of byCategory) {
      this.batches.push({ category, records, headers: request.headers });
      this.counts.set(category, (this.counts.get(category) ?? 0) + records.length);
      if (this.#options.outDir) {
        await appendFile(
          join(this.#options.outDir, `${category.replace(/[^A-Za-z0-9_-]/g, '_')}.ndjson`),
          `${records.join('\n')}\n`,
        );
      }
    }
    reply(response, 200, { accepted: texts.length });
  }

  #authorized(request: IncomingMessage): boolean {
    const { token, authHeader } = this.#options;
    if (token === undefined) return true;
    if (authHeader) return request.headers[authHeader.toLowerCase()] === token;
    return request.headers.authorization === `Bearer ${token}`;
  }
}

/** The records' texts exactly as sent, so what lands on disk can be compared byte for byte. */
function splitRecords(body: string, contentType: string): string[] | undefined {
  if (contentType.includes('ndjson')) return body.split('\n').filter((line) => line !== '');
  const texts: string[] = [];
  try {
    const scanner = new JsonScanner(body);
    scanner.forEachElement((start) => texts.push(body.slice(start, scanner.skipValue())));
    scanner.expectEnd();
  } catch {
    return undefined;
  }
  return texts;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
