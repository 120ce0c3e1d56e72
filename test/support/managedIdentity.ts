/**
 * An App Service managed-identity endpoint on loopback that issues one bearer token for any resource. With
 * IDENTITY_ENDPOINT/IDENTITY_HEADER pointing at it, the real @azure/identity ManagedIdentityCredential gets its
 * tokens here as it would in Azure. Records the resources asked for.
 */
import { randomUUID } from 'node:crypto';
import { startServer } from './httpServer.js';

export interface TestIdentity {
  readonly token: string;
  readonly env: { IDENTITY_ENDPOINT: string; IDENTITY_HEADER: string };
  /** The `resource` of every token request, in order. */
  readonly resources: string[];
  close(): Promise<void>;
}

export async function startIdentityEndpoint(): Promise<TestIdentity> {
  const token = `identity-token-${randomUUID()}`;
  const identityHeader = randomUUID();
  const resources: string[] = [];
  const server = await startServer((request) => {
    if (request.headers['x-identity-header'] !== identityHeader) return { status: 401, body: { error: 'bad identity header' } };
    const resource = new URL(request.path, 'http://x').searchParams.get('resource') ?? '';
    resources.push(resource);
    return {
      status: 200,
      body: { access_token: token, expires_on: String(Math.floor(Date.now() / 1000) + 3600), resource, token_type: 'Bearer' },
    };
  });
  return {
    token,
    env: { IDENTITY_ENDPOINT: `${server.url}/msi/token`, IDENTITY_HEADER: identityHeader },
    resources,
    close: () => server.close(),
  };
}
