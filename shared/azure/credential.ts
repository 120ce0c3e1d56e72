import { DefaultAzureCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';

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
  shared ??= IDENTITY_ENDPOINT || MSI_ENDPOINT ? managedIdentity(AZURE_CLIENT_ID) : new DefaultAzureCredential();
  return shared;
}

function managedIdentity(clientId: string | undefined): TokenCredential {
  return clientId ? new ManagedIdentityCredential({ clientId }) : new ManagedIdentityCredential();
}
