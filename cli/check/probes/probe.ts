/**
 * Probing a SIEM destination without sending it a record (`defender-forwarder check`): does the endpoint answer,
 * and does it take the credential? Each protocol asks what its API lets a client ask for free (Splunk's health
 * endpoint and an empty request, Elastic's _authenticate, an empty Logs Ingestion call) and says exactly what the
 * answer proved. The requests go through the same client as delivery: the same CA, client certificate and timeout.
 */
import type { SiemConfig } from '../../../shared/config/config.js';
import type { SecretValue } from '../../../shared/types/secretValue.js';
import { connectionProblem, type ConnectionProblem } from '../../connectionProblem.js';
import type { SiemResponse } from '../../../shared/types/outcome.js';
import type { Route } from '../../../shared/types/route.js';
import { SecretUnavailableError } from '../../../shared/secrets/secretReader.js';
import { siemRequest } from '../../../shared/sinks/request.js';
import type { Post, SiemRequest } from '../../../shared/types/sink.js';

export type FindingStatus = 'ok' | 'failed' | 'note' | 'skipped';

/** One thing a check found: it holds (ok), it does not (failed, with the fix), or what could not be proven (note). */
export interface Finding {
  readonly status: FindingStatus;
  readonly detail: string;
  readonly fix?: string;
}

export interface DestinationFindings {
  readonly endpoint: Finding;
  readonly credential: Finding;
}

export interface ProbeTarget {
  readonly siem: SiemConfig;
  readonly route: Route;
  /** The setting the route's URL comes from (SIEM_URL, or SIEM_ROUTES.<key>.url), for fixes. */
  readonly urlSetting: string;
  /** Where the credential comes from (Key Vault secret "x", SIEM_SECRET, an Entra token), for fixes. */
  readonly secretLabel: string;
  readonly secret: SecretValue | undefined;
  readonly post: Post;
  readonly signal?: AbortSignal;
}

export const ok = (detail: string): Finding => ({ status: 'ok', detail });
export const failed = (detail: string, fix: string): Finding => ({ status: 'failed', detail, fix });
export const note = (detail: string, fix?: string): Finding => ({ status: 'note', detail, ...(fix ? { fix } : {}) });

/** The answer, or when the server could not be reached, what the check reports for both findings. */
export type ProbeAnswer = { readonly response: SiemResponse } | { readonly unreachable: DestinationFindings };

export async function send(target: ProbeTarget, request: SiemRequest): Promise<ProbeAnswer> {
  try {
    return { response: await target.post(request, target.signal) };
  } catch (error) {
    // A CA or client certificate that could not be read is not a way-there problem, whatever its cause says.
    const problem = error instanceof SecretUnavailableError ? undefined : connectionProblem(error);
    if (!problem) throw error;
    return {
      unreachable: unreachable(problem, `${request.method ?? 'POST'} ${shown(request.url)}`, target.urlSetting),
    };
  }
}

/** What the check says when a destination could not be reached: the endpoint failed, the credential untried. */
export function unreachable(problem: ConnectionProblem, what: string, urlSetting: string): DestinationFindings {
  return {
    endpoint: failed(`${what}: ${problem.what}`, reachFix(problem, urlSetting)),
    credential: { status: 'skipped', detail: 'not tried: the endpoint could not be reached' },
  };
}

/** A request carrying the route's credential (header, or client certificate for mtls). */
export async function withCredential(
  target: ProbeTarget,
  parts: {
    readonly method: 'GET' | 'POST';
    readonly url: string;
    readonly body?: string;
    readonly headers?: Record<string, string>;
  },
): Promise<SiemRequest> {
  const request = await siemRequest(
    target.siem,
    {
      url: parts.url,
      contentType: 'application/json',
      body: Buffer.from(parts.body ?? ''),
      positions: 'check',
      ...(parts.headers ? { headers: parts.headers } : {}),
    },
    target.secret,
  );
  return { ...request, method: parts.method };
}

/** A GET with no credential; the client certificate still goes along with mtls, as the handshake needs it. */
export function bareGet(target: ProbeTarget, url: string): SiemRequest {
  const certificate = target.siem.auth.mode === 'mtls' ? target.secret : undefined;
  return {
    method: 'GET',
    url,
    headers: {},
    body: Buffer.alloc(0),
    ...(certificate ? { clientCertificate: certificate } : {}),
  };
}

/** "<url> answered a GET with HTTP 405 over TLS": what an answer proves about the way there. */
export function answered(request: Pick<SiemRequest, 'method' | 'url'>, response: SiemResponse): string {
  const channel = new URL(request.url).protocol === 'https:' ? 'over TLS, its certificate trusted' : 'over plain http';
  return `${shown(request.url)} answered a ${request.method ?? 'POST'} with HTTP ${response.status} ${channel}`;
}

/** A URL as output may show it: origin and path, never the query (it could carry a token). */
export function shown(url: string): string {
  const parsed = URL.parse(url);
  return parsed ? `${parsed.origin}${parsed.pathname}` : '(not a URL)';
}

/** The start of an answer's body on one line, for showing what a server said. */
export function excerpt(body: string, chars = 160): string {
  const line = body.replace(/\s+/g, ' ').trim();
  return line.length > chars ? `${line.slice(0, chars)}…` : line;
}

/** A JSON object answer's members; empty when the body is not one. */
export function jsonObject(body: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

function reachFix(problem: ConnectionProblem, urlSetting: string): string {
  switch (problem.kind) {
    case 'untrusted-certificate':
      return "if the SIEM's certificate comes from a private CA, put the CA's PEM in Key Vault and name that secret in SIEM_CA_CERT";
    case 'certificate-name':
      return `use in ${urlSetting} the host name the certificate was issued for`;
    case 'expired-certificate':
      return "the SIEM's owner must renew its certificate";
    case 'tls':
      return `check the scheme (https) and port in ${urlSetting}`;
    default:
      return `check the host and port in ${urlSetting}, and that this machine may reach it (firewall, private endpoint, VPN)`;
  }
}
