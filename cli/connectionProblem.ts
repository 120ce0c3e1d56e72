/**
 * What went wrong on the way to a server, in words a person can act on: refused, unknown host, a certificate not
 * trusted, no answer in time. Node, undici, fetch and the Azure SDKs all carry the system's error code somewhere
 * (on the error, its cause, or one of an AggregateError's errors); this finds it.
 */

export type ConnectionProblemKind =
  | 'refused'
  | 'dns'
  | 'timeout'
  | 'reset'
  | 'untrusted-certificate'
  | 'certificate-name'
  | 'expired-certificate'
  | 'tls';

export interface ConnectionProblem {
  readonly kind: ConnectionProblemKind;
  /** e.g. "connection refused: ... (ECONNREFUSED)". */
  readonly what: string;
}

const KINDS: Readonly<Record<string, ConnectionProblemKind>> = {
  ECONNREFUSED: 'refused',
  EHOSTUNREACH: 'refused',
  ENETUNREACH: 'refused',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  ETIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'reset',
  ERR_TLS_CERT_ALTNAME_INVALID: 'certificate-name',
  CERT_HAS_EXPIRED: 'expired-certificate',
};

const WHAT: Readonly<Record<ConnectionProblemKind, string>> = {
  refused: 'connection refused: nothing listens at that host and port, or a firewall turns it away',
  dns: 'the host name does not resolve',
  timeout: 'no answer in time',
  reset: 'the connection was cut before an answer',
  'untrusted-certificate': "the server's certificate is not signed by a trusted CA",
  'certificate-name': "the server's certificate does not name this host",
  'expired-certificate': "the server's certificate has expired",
  tls: 'the TLS handshake failed: is this port plain http, or the wrong one',
};

/** undefined when the error is not about reaching the server (an HTTP answer, a bug). */
export function connectionProblem(error: unknown): ConnectionProblem | undefined {
  for (const cause of causes(error)) {
    if (cause instanceof Error && cause.name === 'TimeoutError') return { kind: 'timeout', what: WHAT.timeout };
    const code = (cause as { code?: unknown } | null)?.code;
    if (typeof code !== 'string') continue;
    const kind = KINDS[code] ?? tlsKind(code);
    if (kind) return { kind, what: `${WHAT[kind]} (${code})` };
  }
  return undefined;
}

/** The error, its causes, and the errors an AggregateError holds (one per address tried). */
function* causes(error: unknown, depth = 0): Iterable<unknown> {
  if (error === undefined || error === null || depth > 5) return;
  yield error;
  if (error instanceof AggregateError) for (const inner of error.errors) yield* causes(inner, depth + 1);
  if (error instanceof Error && error.cause !== undefined) yield* causes(error.cause, depth + 1);
}

function tlsKind(code: string): ConnectionProblemKind | undefined {
  if (/SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(code)) return 'untrusted-certificate';
  if (/CERT|SSL|TLS|EPROTO/.test(code)) return 'tls';
  return undefined;
}
