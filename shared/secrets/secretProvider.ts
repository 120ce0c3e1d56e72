/**
 * The SIEM credential: read from Key Vault, kept for a while, read again when the SIEM refuses it. However many
 * requests are refused at once, Key Vault is asked once.
 */
import type { TokenCredential } from '@azure/identity';
import type { SecretClient, SecretClientOptions } from '@azure/keyvault-secrets';
import { ENTRA_TOKEN_REUSE_MS, entraTokenReader } from './entraToken.js';
import { SECRET_READ_TIMEOUT_MS, SecretUnavailableError, type SecretReader } from './secretReader.js';
import type { SecretSource } from '../config/config.js';
import { trimSecret } from '../config/secretText.js';
import { SecretValue } from '../types/secretValue.js';
import { withTimeout } from '../timeout/withTimeout.js';

export interface SecretProvider {
  get(): Promise<SecretValue | undefined>;
  /** The SIEM refused `stale`; returns a fresh secret, reading it once for all callers who hold the same one. */
  refresh(stale: SecretValue | undefined): Promise<SecretValue | undefined>;
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

/** Reads a secret from Key Vault; a file's trailing line breaks and byte-order mark are dropped (see trimSecret). */
export function keyVaultReader(
  vaultUrl: string,
  name: string,
  credential: TokenCredential,
  options: SecretClientOptions = {},
  timeoutMs = SECRET_READ_TIMEOUT_MS,
): SecretReader {
  // The SDK is loaded on first use, as every Azure SDK is (see credentialOnFirstUse): the command line seldom needs it.
  let client: Promise<SecretClient> | undefined;
  const connected = () =>
    (client ??= import('@azure/keyvault-secrets').then((sdk) => new sdk.SecretClient(vaultUrl, credential, options)));
  return {
    async read() {
      let value: string | undefined;
      try {
        value = (
          await withTimeout(timeoutMs, 'Key Vault', async (abortSignal) =>
            (await connected()).getSecret(name, { abortSignal }),
          )
        ).value;
      } catch (error) {
        // The SDK's message names the vault and secret but never the value; keep only what explains the failure.
        const status = (error as { statusCode?: number }).statusCode;
        throw new SecretUnavailableError(
          `could not read secret "${name}" from ${vaultUrl}${status ? ` (HTTP ${status})` : ''}: ${(error as Error).message}`,
          { cause: error },
        );
      }
      const trimmed = trimSecret(value ?? '');
      if (!trimmed) throw new SecretUnavailableError(`secret "${name}" in ${vaultUrl} is empty`);
      return trimmed;
    },
  };
}

const none: SecretProvider = { get: async () => undefined, refresh: async () => undefined };

/**
 * Why a secret's value cannot be used as SIEM_AUTH would use it (a certificate without its key, a token with a
 * line break in a header), said of the secret ("cannot be sent ..."), or undefined when it can. Never quotes the
 * value.
 */
export type SecretCheck = (value: string) => string | undefined;

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
        failIfUnusable('SIEM_SECRET', source.value.reveal(), check);
        return source.value;
      };
      return { get: value, refresh: value };
    }
    case 'key-vault': {
      const reader = keyVaultReader(source.vaultUrl, source.name, credential(), clientOptions);
      const read = async () =>
        failIfUnusable(`secret "${source.name}" in ${source.vaultUrl}`, await reader.read(), check);
      return new CachedSecretProvider({ read }, source.cacheMs);
    }
    case 'entra':
      return new CachedSecretProvider(entraTokenReader(credential(), source.scope), ENTRA_TOKEN_REUSE_MS);
  }
}

/** `value`, unless `check` finds it unusable: then an error naming the secret, so the records wait for a fix. */
function failIfUnusable(secret: string, value: string, check: SecretCheck): string {
  const problem = check(value);
  if (problem !== undefined) throw new SecretUnavailableError(`${secret} ${problem}`);
  return value;
}
