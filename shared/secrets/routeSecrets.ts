/**
 * The SIEM credential of each route: the default secret, or the Key Vault secret the route names (`secretName` in
 * SIEM_ROUTES). One provider per name, each with its own cache and its own single read in flight, so a 401 from
 * one tenant's SIEM reads that tenant's secret again and no other.
 */
import type { SecretProvider } from './secretProvider.js';

export interface RouteSecrets {
  /** The provider for a route's secret; `secretName` undefined is the default secret. */
  of(route: { readonly secretName?: string }): SecretProvider;
}

/** `named` holds a provider for every name a route uses (all are known at start-up). */
export function routeSecrets(defaultSecret: SecretProvider, named: ReadonlyMap<string, SecretProvider>): RouteSecrets {
  return {
    of({ secretName }) {
      if (secretName === undefined) return defaultSecret;
      const provider = named.get(secretName);
      if (!provider) throw new Error(`no provider for the route secret "${secretName}"`);
      return provider;
    },
  };
}
