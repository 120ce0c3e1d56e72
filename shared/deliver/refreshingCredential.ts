/**
 * The credential of each try: the secret, from the provider's cache, handed to the request. When the SIEM refuses
 * it (401, 403) it is read again, once for the part, and the part asks to be sent again at once; refused again,
 * the refusal is the answer, and the records wait for a later invocation. Past the deadline it is not read again:
 * a read then would add its own time to the request's after the deadline, beyond what the invocation keeps.
 */
import type { SecretProvider } from '../secrets/secretProvider.js';
import type { ForwardRecord } from '../types/records.js';
import type { SecretValue } from '../types/secretValue.js';
import type { SendWithSecret } from './request.js';
import type { Tried, Unsent } from './sent.js';

/** Holds whether the secret was read again: compose one per part. */
export function refreshingCredential(
  send: SendWithSecret,
  secrets: SecretProvider,
  pastDeadline: () => boolean = () => false,
): (records: readonly ForwardRecord[]) => Promise<Tried> {
  let refreshed = false;
  return async (records) => {
    let secret: SecretValue | undefined;
    try {
      secret = await secrets.get();
    } catch (error) {
      return unavailable(error);
    }
    const answer = await send(records, secret);
    if (answer.kind !== 'unauthorized' || refreshed || pastDeadline()) return answer;
    refreshed = true;
    try {
      await secrets.refresh(secret);
    } catch (error) {
      return unavailable(error);
    }
    return { kind: 'refreshed' };
  };
}

function unavailable(error: unknown): Unsent {
  return { kind: 'unsent', reason: 'secret-unavailable', detail: (error as Error).message };
}
