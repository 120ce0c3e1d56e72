/** Where a credential comes from, read on demand: Key Vault, or an Entra token from the app's identity. */
export class SecretUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SecretUnavailableError';
  }
}

export interface SecretReader {
  read(): Promise<string>;
}

/**
 * How long one read of a credential may take, retries and the identity's token included: Key Vault and Entra
 * alike. A read under way at the invocation's deadline starts no request after it (see deliver/request.ts), so the time
 * reserved after the deadline covers the longer of this and one request.
 */
export const SECRET_READ_TIMEOUT_MS = 30_000;
