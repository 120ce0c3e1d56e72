/**
 * SIEM_AUTH=entra (and sentinel): an access token for the SIEM's scope from the app's identity. @azure/identity
 * caches and renews tokens itself; we only ask it again when our short reuse window ends or the SIEM refuses one.
 */
import type { TokenCredential } from '@azure/identity';
import { SECRET_READ_TIMEOUT_MS, SecretUnavailableError, type SecretReader } from './secretReader.js';
import { withTimeout } from '../timeout/withTimeout.js';

/**
 * How long one token is reused before asking the credential again. The credential hands out tokens with at
 * least five minutes left (it renews earlier), so a token reused for two minutes is never sent expired.
 */
export const ENTRA_TOKEN_REUSE_MS = 2 * 60_000;

export function entraTokenReader(
  credential: TokenCredential,
  scope: string,
  timeoutMs = SECRET_READ_TIMEOUT_MS,
): SecretReader {
  return {
    async read() {
      try {
        const token = await withTimeout(timeoutMs, 'the identity endpoint', (abortSignal) =>
          credential.getToken(scope, { abortSignal }),
        );
        if (!token) throw new Error('the credential returned no token');
        return token.token;
      } catch (error) {
        throw new SecretUnavailableError(`could not get an Entra token for ${scope}: ${(error as Error).message}`, {
          cause: error,
        });
      }
    },
  };
}
