/**
 * The SIEM part of the Config, as the sinks, the credential code and the command line read it. Only types and the
 * list of SIEM_AUTH modes: a protocol's folder imports this without importing the settings table it joins.
 */
import type { RouteOverrides } from './routes.js';
import type { Destination } from '../types/route.js';
import type { SecretValue } from '../types/secretValue.js';

/** A SIEM_FORMAT value: the name of a protocol in the registry (shared/sinks/registry.ts). */
export type SiemFormat = string;

export const SIEM_AUTH_MODES = ['bearer', 'splunk', 'basic', 'header', 'apikey', 'entra', 'mtls', 'none'] as const;
export type SiemAuthMode = (typeof SIEM_AUTH_MODES)[number];
/** SIEM_AUTH when neither the setting nor the protocol says otherwise. */
export const DEFAULT_AUTH_MODE: SiemAuthMode = 'bearer';

export type SiemAuth =
  | { readonly mode: Exclude<SiemAuthMode, 'header' | 'entra'> }
  | { readonly mode: 'header'; readonly header: string }
  | { readonly mode: 'entra'; readonly scope: string };

/** `Protocol`: what the protocol's own settings said, as its definition parsed them (see SinkDefinition.parse). */
export interface SiemConfig<Protocol = unknown> {
  readonly format: SiemFormat;
  /** SIEM_URL (may hold placeholders; every expansion is an https, or loopback http, URL on one origin) and the rest. */
  readonly destination: Destination;
  /** Per-table and per-tenant overrides of the destination (SIEM_ROUTES). */
  readonly routes: RouteOverrides;
  readonly auth: SiemAuth;
  /** The Key Vault secrets routes name (`secretName`), by name. */
  readonly routeSecrets: ReadonlyMap<string, KeyVaultSecret>;
  readonly gzip: boolean;
  /** Extra CA certificates (PEM) for a SIEM with a private CA, from Key Vault. */
  readonly caCertificate?: KeyVaultSecret;
  readonly protocol: Protocol;
  readonly maxBatchBytes: number;
  readonly maxBatchRecords: number;
  readonly timeoutMs: number;
  readonly concurrency: number;
}

export interface KeyVaultSecret {
  readonly kind: 'key-vault';
  readonly vaultUrl: string;
  readonly name: string;
  readonly cacheMs: number;
}

export type SecretSource =
  | { readonly kind: 'none' }
  | KeyVaultSecret
  | { readonly kind: 'value'; readonly value: SecretValue }
  /** A token from the app identity (managed identity in Azure) for `scope`. */
  | { readonly kind: 'entra'; readonly scope: string };
