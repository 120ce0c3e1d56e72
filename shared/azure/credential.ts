import type { TokenCredential } from '@azure/identity';

let shared: TokenCredential | undefined;

/**
 * The app's identity for every Azure call, created once because it caches tokens.
 *
 * In Azure, where App Service and Functions set IDENTITY_ENDPOINT (MSI_ENDPOINT on older hosts) for the app's
 * managed identity, it is that identity alone (AZURE_CLIENT_ID picks a user-assigned one). DefaultAzureCredential
 * would first try the environment's service principal and record the miss as an exception in Application Insights
 * on every start. Elsewhere it is the developer's login, whichever tool made it (Azure CLI, azd, PowerShell, or a
 * service principal in the environment).
 */
export function azureCredential(): TokenCredential {
  const { IDENTITY_ENDPOINT, MSI_ENDPOINT, AZURE_CLIENT_ID } = process.env;
  shared ??= credentialOnFirstUse(async () => {
    const { DefaultAzureCredential, ManagedIdentityCredential } = await import('@azure/identity');
    if (!IDENTITY_ENDPOINT && !MSI_ENDPOINT) return new DefaultAzureCredential();
    return AZURE_CLIENT_ID
      ? new ManagedIdentityCredential({ clientId: AZURE_CLIENT_ID })
      : new ManagedIdentityCredential();
  });
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
