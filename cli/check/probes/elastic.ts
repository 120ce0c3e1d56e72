/**
 * Probing Elasticsearch without indexing anything: GET /_security/_authenticate with the credential answers who it
 * authenticates as (any authenticated user may call it), or 401. OpenSearch, and Elasticsearch with security off,
 * do not offer it: then the credential is not proven, and the check says so.
 */
import type { SiemResponse } from '../../../shared/types/outcome.js';
import {
  answered,
  excerpt,
  failed,
  jsonObject,
  note,
  ok,
  send,
  withCredential,
  type DestinationFindings,
  type Finding,
  type ProbeTarget,
} from './probe.js';

export async function probeElastic(target: ProbeTarget): Promise<DestinationFindings> {
  const request = await withCredential(target, { method: 'GET', url: authenticateUrl(target.route.url) });
  const answer = await send(target, request);
  if ('unreachable' in answer) return answer.unreachable;
  return { endpoint: ok(answered(request, answer.response)), credential: credentialFinding(target, answer.response) };
}

/** The cluster's root, behind any path prefix: `.../_bulk` or `.../<index>/_bulk` -> `.../_security/_authenticate`. */
function authenticateUrl(bulkUrl: string): string {
  const url = new URL(bulkUrl);
  url.pathname = `${url.pathname.replace(/(?:\/[^/]+)?\/_bulk\/?$/, '').replace(/\/$/, '')}/_security/_authenticate`;
  url.search = '';
  return url.toString();
}

function credentialFinding(target: ProbeTarget, response: SiemResponse): Finding {
  // Elastic takes lowercase index names only; the format lower-cases them the same way.
  const index = target.route.index
    ? `; whether it may write to "${target.route.index.toLowerCase()}" only --send-test-record proves`
    : '';
  if (response.status === 200) {
    const who = jsonObject(response.body);
    return ok(
      `authenticated as "${String(who.username)}" (${String(who.authentication_type ?? 'unknown type')})${index}`,
    );
  }
  if (response.status === 401 || response.status === 403) {
    return failed(
      `the credential is refused: HTTP ${response.status} ${excerpt(response.body)}`,
      credentialFix(target),
    );
  }
  return note(
    `not proven: GET /_security/_authenticate answered HTTP ${response.status} (OpenSearch, or Elasticsearch security off?)`,
    '--send-test-record proves the credential with one record',
  );
}

function credentialFix(target: ProbeTarget): string {
  switch (target.siem.auth.mode) {
    case 'apikey':
      return `put the API key's "encoded" value (base64 of id:api_key, as the create API key call returns it) in ${target.secretLabel}`;
    case 'basic':
      return `put user:password in ${target.secretLabel}`;
    default:
      return `check ${target.secretLabel} and SIEM_AUTH`;
  }
}
