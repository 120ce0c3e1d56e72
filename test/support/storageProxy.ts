/**
 * A loopback proxy in front of one of Azurite's services (Blob or Table) that can be cut, to stage an outage of a
 * store that worked a moment ago: 'hang' leaves requests unanswered, 'refuse' answers 403 as a revoked role
 * assignment would; `cut(undefined)` puts the store back.
 */
import type { Azurite } from './azurite.js';
import { startServer, type TestServer } from './httpServer.js';

export interface StorageProxy {
  readonly server: TestServer;
  /** Azurite's connection string with the service's endpoint pointing at the proxy. */
  readonly connectionString: string;
  cut(mode: 'hang' | 'refuse' | undefined): void;
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding'];
/** fetch sets these itself on the way in; on the way out the length is kept (downloads size their buffer by it). */
const SET_BY_FETCH = [...HOP_BY_HOP, 'host', 'content-length'];
const ENDPOINT_SETTING = { blob: 'BlobEndpoint', table: 'TableEndpoint' } as const;

export async function startStorageProxy(azurite: Azurite, service: 'blob' | 'table'): Promise<StorageProxy> {
  let cut: 'hang' | 'refuse' | undefined;
  const target = new URL(service === 'blob' ? azurite.blobEndpoint : azurite.tableEndpoint);
  const server = await startServer(async (request) => {
    if (cut === 'hang') return undefined;
    if (cut === 'refuse') {
      return {
        status: 403,
        body: {
          'odata.error': {
            code: 'AuthorizationPermissionMismatch',
            message: { lang: 'en-US', value: 'not authorized' },
          },
        },
      };
    }
    const answer = await fetch(`${target.origin}${request.path}`, {
      method: request.method,
      headers: without(
        SET_BY_FETCH,
        Object.entries(request.headers).map(([name, value]) => [name, String(value)]),
      ),
      // Bytes, not a string: for a string fetch adds a Content-Type, which Blob storage's signature covers.
      ...(request.method === 'GET' || request.method === 'HEAD' ? {} : { body: Buffer.from(request.body) }),
    });
    return { status: answer.status, headers: without(HOP_BY_HOP, [...answer.headers]), body: await answer.text() };
  });
  const setting = ENDPOINT_SETTING[service];
  return {
    server,
    connectionString: azurite.connectionString.replace(
      new RegExp(`${setting}=[^;]+`),
      `${setting}=${server.url}${target.pathname}`,
    ),
    cut: (mode) => {
      cut = mode;
    },
  };
}

function without(names: readonly string[], headers: Iterable<[string, string]>): Record<string, string> {
  return Object.fromEntries([...headers].filter(([name]) => !names.includes(name.toLowerCase())));
}
