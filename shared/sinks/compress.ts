/**
 * Content-Encoding: gzip for request bodies. zlib's callback API runs the deflate in libuv's thread pool, so the
 * main thread goes on unpacking and encoding the next batch while this one compresses.
 */
import { gzip } from 'node:zlib';

/**
 * Chosen by measurement (`npm run bench` prints every level on generated Defender batches): level 1 deflates
 * about twice as fast as the default 6 and its output is only some 25 % larger, and on Flex Consumption the
 * CPU second is what costs.
 */
export const GZIP_LEVEL = 1;

export function compress(body: Buffer, level = GZIP_LEVEL): Promise<Buffer> {
  // Room for the whole output in one go (Defender batches shrink four to six times), so the compression is one
  // trip to the thread pool instead of one per 16 KB of output, each waiting for the main thread to come by.
  const chunkSize = Math.max(16 * 1024, body.length >>> 2);
  return new Promise((resolve, reject) => {
    gzip(body, { level, chunkSize }, (error, compressed) => (error ? reject(error) : resolve(compressed)));
  });
}
