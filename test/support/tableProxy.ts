/**
 * A loopback proxy in front of Azurite's Table service that can be cut, to stage an outage of a store that worked
 * a moment ago: 'hang' leaves requests unanswered, 'refuse' answers 403 as a revoked role assignment would.
 */
import type { Azurite } from './azurite.js';
import { startServer, type TestServer } from './httpServer.js';

export interface TableProxy {
  readonly server: TestServer;
  /** Azurite's connection string with the table endpoint pointing at the proxy. */
  readonly connectionString: string;
  cut(mode: 'hang' | 'refuse'): void;
}

const HOP_BY_HOP = ['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding'];

export async function startTableProxy(azurite: Azurite): Promise<TableProxy> {
  let cut: 'hang' | 'refuse' | undefined;
  const target = new URL(azurite.tableEndpoint);
  const server = await startServer(async (request) => {
    if (cut === 'hang') return undefined;
    if (cut === 'refuse') {
      return { status: 403, body: { 'odata.error': { code: 'AuthorizationPermissionMismatch', message: { lang: 'en-US', value: 'not authorized' } } } };
    }
    const answer = await fetch(`${target.origin}${request.path}`, {
      method: request.method,
      headers: withoutHopByHop(Object.entries(request.headers).map(([name, value]) => [name, String(value)])),
      ...(request.method === 'GET' || request.method === 'HEAD' ? {} : { body: request.body }),
    });
    return { status: answer.status, headers: withoutHopByHop([...answer.headers]), body: await answer.text() };
  });
  return {
    server,
    connectionString: azurite.connectionString.replace(/TableEndpoint=[^;]+/, `TableEndpoint=${server.url}${target.pathname}`),
    cut: (mode) => {
      cut = mode;
    },
  };
}

function withoutHopByHop(headers: Iterable<[string, string]>): Record<string, string> {
  return Object.fromEntries([...headers].filter(([name]) => !HOP_BY_HOP.includes(name.toLowerCase())));
}
