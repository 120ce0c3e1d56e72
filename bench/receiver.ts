/**
 * The benchmark's SIEM: a separate process, so what it spends is not counted as ours. It reads every body to
 * the end, counts requests and bytes as they crossed the wire, and answers 200, at once or, given a number of
 * milliseconds as its argument, that long after the body ended (a SIEM across a network, busy indexing). The
 * parent asks for the counts over IPC ('stats') and stops it with 'stop'.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceiverStats {
  requests: number;
  bytes: number;
}

export type ReceiverMessage = { readonly url: string } | { readonly stats: ReceiverStats };

const stats: ReceiverStats = { requests: 0, bytes: 0 };
const latencyMs = Number(process.argv[2] ?? 0);

const server = createServer((request, response) => {
  let bytes = 0;
  request.on('data', (chunk: Buffer) => (bytes += chunk.length));
  request.on('end', () => {
    stats.requests++;
    stats.bytes += bytes;
    const answer = () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    if (latencyMs > 0) setTimeout(answer, latencyMs);
    else answer();
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  send({ url: `http://127.0.0.1:${port}/ingest` });
});

process.on('message', (message) => {
  if (message === 'stats') send({ stats });
  if (message === 'stop') {
    server.closeAllConnections();
    server.close(() => process.disconnect());
  }
});

function send(message: ReceiverMessage): void {
  process.send?.(message);
}
