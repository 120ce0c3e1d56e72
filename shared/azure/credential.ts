import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';

let shared: TokenCredential | undefined;

/**
 * The app's identity for every Azure call: the managed identity in Azure (AZURE_CLIENT_ID picks a user-assigned
 * one), a developer's Azure CLI login locally. Created once, because it caches tokens.
 */
export function azureCredential(): TokenCredential {
  shared ??= new DefaultAzureCredential();
  return shared;
}
