/**
 * A failed call to an Azure service (Key Vault, Blob, Table, an Entra token) as what went wrong and the fix: no
 * identity, the wrong one, a missing role, a firewall, a missing resource, or no connection at all.
 */
import { connectionProblem } from '../connectionProblem.js';

export interface AzureTarget {
  /** What was called, for the fix: "the vault", "the dead-letter account". */
  readonly resource: string;
  /** The setting that names it, for a fix about reaching it. */
  readonly setting: string;
  /** The fix when it refuses the identity, e.g. "give the identity the Key Vault Secrets User role on the vault". */
  readonly grant: string;
  /** Reached with a connection string (Azurite, local development) rather than an identity. */
  readonly connectionString?: boolean;
  /** The fix when the thing asked for does not exist (404). */
  readonly missing?: string;
}

export interface Explained {
  readonly detail: string;
  readonly fix: string;
}

const IDENTITY_ERRORS = new Set(['CredentialUnavailableError', 'AuthenticationError', 'AggregateAuthenticationError']);

export function explainAzureError(error: unknown, target: AzureTarget): Explained {
  const connection = connectionProblem(error);
  if (connection) {
    return {
      detail: connection.what,
      fix: `check ${target.setting}, and that this machine may reach ${target.resource} (its firewall, a private endpoint)`,
    };
  }
  const identityError = findCause(error, (cause) => IDENTITY_ERRORS.has(cause.name));
  if (identityError) {
    return {
      detail: `no Azure identity: ${firstLine(identityError.message)}`,
      fix: 'sign in with az login (locally), or run where the managed identity is',
    };
  }
  // The SDK's RestError, under any wrapper of ours.
  const answer =
    findCause(error, (cause) => typeof (cause as { statusCode?: unknown }).statusCode === 'number') ?? error;
  const { statusCode: status, code } = answer as { statusCode?: number; code?: string };
  const said = `${status === undefined ? '' : `HTTP ${status} `}${code ? `${code}: ` : ''}${firstLine(answer instanceof Error ? answer.message : String(answer))}`;
  if (status === 404 && target.missing) return { detail: `not found (${said})`, fix: target.missing };
  if (status === 401 || status === 403) {
    if (target.connectionString)
      return {
        detail: `refused (${said})`,
        fix: `check the account name and key in the connection string for ${target.resource}`,
      };
    if (/firewall|AuthorizationFailure|not authorized to perform this operation/i.test(said)) {
      return {
        detail: `refused by the network rules (${said})`,
        fix: `allow this machine's address in the networking settings of ${target.resource}, or run from a network that may reach it`,
      };
    }
    return { detail: `refused (${said})`, fix: `${target.grant} (a new role assignment can take minutes to apply)` };
  }
  return { detail: said, fix: `check ${target.setting}` };
}

function findCause(error: unknown, test: (cause: Error) => boolean): Error | undefined {
  for (let cause = error; cause instanceof Error; cause = cause.cause) if (test(cause)) return cause;
  return undefined;
}

function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? '';
  return line.length > 240 ? `${line.slice(0, 240)}…` : line;
}
