/**
 * An App Service managed-identity endpoint on loopback. With IDENTITY_ENDPOINT/IDENTITY_HEADER pointing at it, the
 * real @azure/identity ManagedIdentityCredential gets its tokens here, one per resource, so a server can check a
 * token was issued for it (Key Vault for https://vault.azure.net, Logs Ingestion for https://monitor.azure.com).
 */
import { randomUUID } from 'node:crypto';
import { after, before } from 'node:test';
import { startServer, type TestServer } from './httpServer.js';

export interface TestIdentity {
  readonly env: { IDENTITY_ENDPOINT: string; IDENTITY_HEADER: string };
  /** The token this endpoint hands out for `resource`. */
  tokenFor(resource: string): string;
  /** Resources tokens were asked for, in order. */
  readonly issued: string[];
  /** The client_id each of those requests named (a user-assigned identity), or undefined. */
  readonly clientIds: (string | undefined)[];
  /** While true, token requests are taken and never answered, as by an endpoint that hangs. */
  hanging: boolean;
  close(): Promise<void>;
}

export async function startManagedIdentity(): Promise<TestIdentity> {
  const identityHeader = randomUUID();
  const tokens = new Map<string, string>();
  const issued: string[] = [];
  const clientIds: (string | undefined)[] = [];
  const tokenFor = (resource: string) => {
    let token = tokens.get(resource);
    if (!token) {
      token = `token-${randomUUID()}`;
      tokens.set(resource, token);
    }
    return token;
  };
  const server: TestServer = await startServer((request) => {
    if (identity.hanging) return undefined;
    if (request.headers['x-identity-header'] !== identityHeader)
      return { status: 401, body: { error: 'bad identity header' } };
    const query = new URL(request.path, 'http://x').searchParams;
    const resource = query.get('resource') ?? '';
    issued.push(resource);
    clientIds.push(query.get('client_id') ?? undefined);
    return {
      status: 200,
      body: {
        access_token: tokenFor(resource),
        expires_on: String(Math.floor(Date.now() / 1000) + 3600),
        resource,
        token_type: 'Bearer',
      },
    };
  });
  const identity: TestIdentity = {
    env: { IDENTITY_ENDPOINT: `${server.url}/msi/token`, IDENTITY_HEADER: identityHeader },
    tokenFor,
    issued,
    clientIds,
    hanging: false,
    close: () => server.close(),
  };
  return identity;
}

/**
 * For a test file: an identity endpoint started before its tests, with this process's ManagedIdentityCredential
 * pointed at it, and closed after them. Returns the running endpoint.
 */
export function identityForTests(): () => TestIdentity {
  let identity: TestIdentity | undefined;
  before(async () => {
    identity = await startManagedIdentity();
    Object.assign(process.env, identity.env);
  });
  after(() => identity?.close());
  return () => {
    if (!identity) throw new Error('the identity endpoint starts before the tests');
    return identity;
  };
}
