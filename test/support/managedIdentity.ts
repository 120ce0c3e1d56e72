/**
 * An App Service managed-identity endpoint on loopback that issues one token for any resource. With its env
 * (IDENTITY_ENDPOINT, IDENTITY_HEADER) in process.env, the real @azure/identity ManagedIdentityCredential gets
 * tokens from it as it would in Azure.
 */
import { randomUUID } from 'node:crypto';
import { startServer, type RecordedRequest } from './httpServer.js';

export interface TestManagedIdentity {
  readonly token: string;
  readonly env: { IDENTITY_ENDPOINT: string; IDENTITY_HEADER: string };
  /** The token requests it answered. */
  readonly requests: readonly RecordedRequest[];
  close(): Promise<void>;
}

export async function startManagedIdentity(): Promise<TestManagedIdentity> {
  const token = `identity-token-${randomUUID()}`;
  const identityHeader = randomUUID();
  const server = await startServer((request) => {
    if (request.headers['x-identity-header'] !== identityHeader) return { status: 401, body: { error: 'bad identity header' } };
    const resource = new URL(request.path, 'http://x').searchParams.get('resource') ?? '';
    return {
      status: 200,
      body: { access_token: token, expires_on: String(Math.floor(Date.now() / 1000) + 3600), resource, token_type: 'Bearer' },
    };
  });
  return {
    token,
    env: { IDENTITY_ENDPOINT: `${server.url}/msi/token`, IDENTITY_HEADER: identityHeader },
    requests: server.requests,
    close: () => server.close(),
  };
}
