import type { TokenCredential } from '@azure/identity';

let shared: TokenCredential | undefined;

/**
 * The app's identity for every Azure call: the managed identity in Azure (AZURE_CLIENT_ID picks a user-assigned
 * one), a developer's Azure CLI login locally. Created once, because it caches tokens.
 */
export function azureCredential(): TokenCredential {
  shared ??= credentialOnFirstUse(async () => new (await import('@azure/identity')).DefaultAzureCredential());
  return shared;
}

/**
 * A credential made when a token is first asked of it. @azure/identity takes longer to load than anything else
 * the app does at start (a quarter of a second or more), and a command-line run with no Azure setting never needs it.
 */
export function credentialOnFirstUse(make: () => Promise<TokenCredential>): TokenCredential {
  let made: Promise<TokenCredential> | undefined;
  return { getToken: async (scopes, options) => (await (made ??= make())).getToken(scopes, options) };
}
