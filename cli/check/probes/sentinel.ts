/**
 * Probing the Logs Ingestion API without ingesting anything: an empty JSON array POSTed to the rule's stream with
 * the Entra token. The API checks the token and the identity's role on the rule before it reads the body, so 401
 * and 403 name a credential problem and 404 a rule or endpoint that does not exist. A 204 does not prove that the
 * stream will take records: the API answers 204 even to data it later drops (see the rule's DCRLogErrors).
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
import { protocolOf } from '../../../shared/sinks/definition.js';
import { sentinel, streamUrl } from '../../../shared/sinks/sentinel/sink.js';

export async function probeSentinel(target: ProbeTarget): Promise<DestinationFindings> {
  const dcr = protocolOf(sentinel, target.siem)?.dcrImmutableId ?? '';
  const url = streamUrl(target.route, dcr);
  const request = await withCredential(target, { method: 'POST', url, body: '[]' });
  const answer = await send(target, request);
  if ('unreachable' in answer) return answer.unreachable;
  return {
    endpoint: ok(answered(request, answer.response)),
    credential: credentialFinding(target, dcr, answer.response),
  };
}

function credentialFinding(target: ProbeTarget, dcr: string, response: SiemResponse): Finding {
  const error = jsonObject(response.body).error as { code?: unknown; message?: unknown } | undefined;
  const said = `HTTP ${response.status}${error ? ` ${String(error.code)}: ${excerpt(String(error.message ?? ''))}` : ''}`;
  const where = `rule ${dcr}, stream "${target.route.stream ?? ''}"`;
  if (response.status >= 200 && response.status < 300) {
    return ok(
      `the token is accepted for ${where}: ${said} to an empty call; whether the stream takes records only --send-test-record proves`,
    );
  }
  if (response.status === 401)
    return failed(
      `the token is refused: ${said}`,
      'the token must be for https://monitor.azure.com (leave SIEM_ENTRA_SCOPE unset)',
    );
  if (response.status === 403) {
    return failed(
      `the identity may not send to ${where}: ${said}`,
      'give the identity the Monitoring Metrics Publisher role on the data collection rule (it can take 30 minutes to apply)',
    );
  }
  if (response.status === 404) {
    return failed(
      `no such rule or stream at this endpoint (${where}): ${said}`,
      `check SENTINEL_DCR_ID, SENTINEL_STREAM, and that ${target.urlSetting} is the rule's logs ingestion endpoint`,
    );
  }
  return note(`not proven: the API answered ${said} to an empty call`, '--send-test-record proves it with one record');
}
