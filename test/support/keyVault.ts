/**
 * A Key Vault on loopback HTTPS that speaks the real protocol (bearer challenge, then the secret), with its
 * managed-identity endpoint (managedIdentity.ts). With IDENTITY_ENDPOINT/IDENTITY_HEADER pointing at that, the
 * real @azure/identity ManagedIdentityCredential and the real SecretClient talk to these as they would in Azure.
 */
import { testCertificates } from './certificates.js';
import { startServer } from './httpServer.js';
import { startManagedIdentity, type TestIdentity } from './managedIdentity.js';

export interface TestKeyVault {
  readonly url: string;
  readonly secrets: Map<string, string>;
  /** Secrets the identity may not read: answered 403 ForbiddenByRbac, as without the Key Vault Secrets User role. */
  readonly forbidden: Set<string>;
  /** Successful secret reads so far, of the secret named or of all. */
  reads(name?: string): number;
  readonly identityEnv: { IDENTITY_ENDPOINT: string; IDENTITY_HEADER: string };
  readonly ca: string;
  close(): Promise<void>;
}

/** Starts its own identity endpoint unless given one (to share it with another server that checks tokens). */
export async function startKeyVault(
  secrets: Record<string, string>,
  sharedIdentity?: TestIdentity,
): Promise<TestKeyVault> {
  const identity = sharedIdentity ?? (await startManagedIdentity());
  const token = identity.tokenFor('https://vault.azure.net');
  const stored = new Map(Object.entries(secrets));
  const reads = new Map<string, number>();
  const forbidden = new Set<string>();
  const certificates = testCertificates();
  const vault = await startServer(
    (request) => {
      if (request.headers.authorization !== `Bearer ${token}`) {
        return {
          status: 401,
          headers: {
            'www-authenticate':
              'Bearer authorization="https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001", resource="https://vault.azure.net"',
          },
          body: { error: { code: 'Unauthorized' } },
        };
      }
      const name = /^\/secrets\/([^/?]+)/.exec(request.path)?.[1] ?? '';
      if (forbidden.has(name)) {
        return {
          status: 403,
          body: {
            error: {
              code: 'Forbidden',
              message: 'Caller is not authorized to perform action on resource.',
              innererror: { code: 'ForbiddenByRbac' },
            },
          },
        };
      }
      const value = stored.get(name);
      if (value === undefined)
        return {
          status: 404,
          body: { error: { code: 'SecretNotFound', message: `A secret with (name/id) ${name} was not found` } },
        };
      reads.set(name, (reads.get(name) ?? 0) + 1);
      return {
        status: 200,
        body: { value, id: `${vault.url}/secrets/${name}/0123456789abcdef`, attributes: { enabled: true } },
      };
    },
    { cert: certificates.serverCert, key: certificates.serverKey },
  );
  return {
    url: vault.url,
    secrets: stored,
    forbidden,
    reads: (name) =>
      name === undefined ? [...reads.values()].reduce((sum, count) => sum + count, 0) : (reads.get(name) ?? 0),
    identityEnv: identity.env,
    ca: certificates.ca,
    close: async () => {
      await vault.close();
      if (!sharedIdentity) await identity.close();
    },
  };
}
