import type { SecretValue } from '../types/secretValue.js';

/** How to reach a storage service: with the app identity (production) or a connection string (Azurite, local). */
export type StorageConnection =
  | { readonly kind: 'identity'; readonly serviceUri: string }
  | { readonly kind: 'connection-string'; readonly value: SecretValue };

export interface StorageSettings {
  readonly serviceUri?: string;
  readonly connectionString?: SecretValue;
}

/**
 * The first of: this store's own endpoint, its own connection string, the host storage's endpoint or account
 * name, the host storage's connection string.
 */
export function resolveStorage(
  own: StorageSettings,
  host: StorageSettings & { readonly accountName?: string },
  service: 'blob' | 'table',
): StorageConnection | undefined {
  if (own.serviceUri) return { kind: 'identity', serviceUri: own.serviceUri };
  if (own.connectionString) return { kind: 'connection-string', value: own.connectionString };
  if (host.serviceUri) return { kind: 'identity', serviceUri: host.serviceUri };
  if (host.accountName)
    return { kind: 'identity', serviceUri: `https://${host.accountName}.${service}.core.windows.net` };
  if (host.connectionString) return { kind: 'connection-string', value: host.connectionString };
  return undefined;
}
