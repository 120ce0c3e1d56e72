/**
 * Request body compression, in one place so how it runs can change without touching its callers. zlib's
 * asynchronous gzip already works on libuv's thread pool, off the event loop.
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

export function compressBody(body: Buffer): Promise<Buffer> {
  return gzipAsync(body);
}
