/**
 * The SIEM credential: read from Key Vault, kept for a while, read again when the SIEM refuses it. However many
 * requests are refused at once, Key Vault is asked once.
 */
import type { TokenCredential } from '@azure/identity';
import type { SecretClient, SecretClientOptions } from '@azure/keyvault-secrets';
import { ENTRA_TOKEN_REUSE_MS, entraTokenReader } from '../auth/entraToken.js';
import type { SecretSource } from '../config/config.js';
import { SecretValue } from '../config/secretValue.js';

export interface SecretProvider {
  get(): Promise<SecretValue | undefined>;
  /** The SIEM refused `stale`; returns a fresh secret, reading it once for all callers who hold the same one. */
  refresh(stale: SecretValue | undefined): Promise<SecretValue | undefined>;
}

export class SecretUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SecretUnavailableError';
  }
}

export interface SecretReader {
  read(): Promise<string>;
}

export class CachedSecretProvider implements SecretProvider {
  readonly #reader: SecretReader;
  readonly #ttlMs: number;
  readonly #now: () => number;
  #current: SecretValue | undefined;
  #readAt = 0;
  #pending: Promise<SecretValue> | undefined;

  constructor(reader: SecretReader, ttlMs: number, now: () => number = Date.now) {
    this.#reader = reader;
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  async get(): Promise<SecretValue> {
    if (this.#current && this.#now() - this.#readAt < this.#ttlMs) return this.#current;
    return this.#read();
  }

  async refresh(stale: SecretValue | undefined): Promise<SecretValue> {
    if (this.#current && this.#current !== stale) return this.#current;
    return this.#read();
  }

  #read(): Promise<SecretValue> {
    this.#pending ??= this.#reader
      .read()
      .then((value) => {
        this.#current = new SecretValue(value);
        this.#readAt = this.#now();
        return this.#current;
      })
      .finally(() => {
        this.#pending = undefined;
      });
    return this.#pending;
  }
}

export function keyVaultReader(
  vaultUrl: string,
  name: string,
  credential: TokenCredential,
  options: SecretClientOptions = {},
): SecretReader {
  // The SDK is loaded on first use, as every Azure SDK is (see credentialOnFirstUse): the command line seldom needs it.
  let client: Promise<SecretClient> | undefined;
  const connected = () => (client ??= import('@azure/keyvault-secrets').then((sdk) => new sdk.SecretClient(vaultUrl, credential, options)));
  return {
    async read() {
      let value: string | undefined;
      try {
        value = (await (await connected()).getSecret(name)).value;
      } catch (error) {
        // The SDK's message names the vault and secret but never the value; keep only what explains the failure.
        const status = (error as { statusCode?: number }).statusCode;
        throw new SecretUnavailableError(
          `could not read secret "${name}" from ${vaultUrl}${status ? ` (HTTP ${status})` : ''}: ${(error as Error).message}`,
          { cause: error },
        );
      }
      if (!value) throw new SecretUnavailableError(`secret "${name}" in ${vaultUrl} is empty`);
      return value;
    },
  };
}

const none: SecretProvider = { get: async () => undefined, refresh: async () => undefined };

/** Throws a SecretUnavailableError when a secret's value cannot be used (say, a certificate without its key). */
export type SecretCheck = (value: string) => void;

export function createSecretProvider(
  source: SecretSource,
  credential: () => TokenCredential,
  clientOptions: SecretClientOptions = {},
  check: SecretCheck = () => undefined,
): SecretProvider {
  switch (source.kind) {
    case 'none':
      return none;
    case 'value': {
      const value = async () => {
        check(source.value.reveal());
        return source.value;
      };
      return { get: value, refresh: value };
    }
    case 'key-vault':
      return new CachedSecretProvider(checked(keyVaultReader(source.vaultUrl, source.name, credential(), clientOptions), check), source.cacheMs);
    case 'entra':
      return new CachedSecretProvider(entraTokenReader(credential(), source.scope), ENTRA_TOKEN_REUSE_MS);
  }
}

function checked(reader: SecretReader, check: SecretCheck): SecretReader {
  return {
    async read() {
      const value = await reader.read();
      check(value);
      return value;
    },
  };
}
