/**
 * Probing HEC without indexing anything: GET /services/collector/health (no token) says whether HEC takes data,
 * and a POST of an empty body with the token is answered code 5 "No data" once the token is known and enabled,
 * before any event is read. Codes as Splunk documents them for HEC.
 */
import type { SiemResponse } from '../../../shared/types/outcome.js';
import {
  answered,
  bareGet,
  excerpt,
  failed,
  note,
  ok,
  send,
  shown,
  withCredential,
  type DestinationFindings,
  type Finding,
  type ProbeTarget,
} from './probe.js';
import type { SiemRequest } from '../../../shared/types/sink.js';
import { CHANNEL_HEADER, newChannel } from '../../../shared/sinks/splunkHec/ack.js';
import { readHecAnswer } from '../../../shared/sinks/splunkHec/classify.js';
import { protocolOf } from '../../../shared/sinks/definition.js';
import { splunkHec } from '../../../shared/sinks/splunkHec/sink.js';

const HEALTHY = 17;
const NO_DATA = 5;

export async function probeSplunkHec(target: ProbeTarget): Promise<DestinationFindings> {
  const url = target.route.url;
  const healthRequest = bareGet(target, healthUrl(url));
  const health = await send(target, healthRequest);
  if ('unreachable' in health) return health.unreachable;
  const headers = protocolOf(splunkHec, target.siem)?.ack ? { [CHANNEL_HEADER]: newChannel() } : undefined;
  const token = await send(
    target,
    await withCredential(target, { method: 'POST', url, ...(headers ? { headers } : {}) }),
  );
  if ('unreachable' in token) return token.unreachable;
  return { endpoint: healthFinding(healthRequest, health.response), credential: tokenFinding(target, token.response) };
}

/** `.../services/collector[/event|/raw][/1.0]` -> `.../services/collector/health`, behind any path prefix. */
function healthUrl(eventUrl: string): string {
  const url = new URL(eventUrl);
  const prefix = url.pathname.replace(/\/services\/collector(?:\/(?:event|raw))?(?:\/1\.0)?\/?$/, '');
  url.pathname = `${prefix === url.pathname ? '' : prefix}/services/collector/health`;
  url.search = '';
  return url.toString();
}

function healthFinding(request: SiemRequest, response: SiemResponse): Finding {
  const answer = readHecAnswer(response.body);
  if (response.status === 200 && answer.code === HEALTHY) return ok(`${answered(request, response)}: HEC is healthy`);
  if (response.status === 503) {
    return failed(
      `${shown(request.url)}: ${answer.text ?? 'HEC is unhealthy'} (code ${answer.code ?? '?'})`,
      "HEC's queues are full or its acknowledgement service is down: Splunk must catch up; meanwhile the forwarder holds and retries",
    );
  }
  return note(`${answered(request, response)}, not HEC's health answer: ${excerpt(response.body)}`);
}

function tokenFinding(target: ProbeTarget, response: SiemResponse): Finding {
  const answer = readHecAnswer(response.body);
  const said = `HEC answered HTTP ${response.status} code ${answer.code ?? '?'} "${answer.text ?? excerpt(response.body)}"`;
  const secret = target.secretLabel;
  switch (answer.code) {
    case NO_DATA: {
      const index = target.route.index
        ? `; whether it may write to index "${target.route.index}" only --send-test-record proves`
        : '';
      return ok(`the token is accepted: ${said} to an empty request, so nothing was indexed${index}`);
    }
    case 1:
    case 22:
      return failed(
        `the token is disabled: ${said}`,
        'enable the token in Splunk (Settings > Data inputs > HTTP Event Collector)',
      );
    case 2:
    case 3:
      return failed(`HEC could not read the token: ${said}`, `${secret} must hold the bare token, without "Splunk "`);
    case 4:
    case 21:
      return failed(`HEC does not know this token: ${said}`, `put the HEC token's value in ${secret}`);
    case 10:
      return failed(
        `the token wants indexer acknowledgement: ${said}`,
        'set SPLUNK_HEC_ACK=true, or turn indexer acknowledgement off for the token',
      );
    case 14:
      return failed(
        `indexer acknowledgement is off for this token: ${said}`,
        'set SPLUNK_HEC_ACK=false, or turn indexer acknowledgement on for the token',
      );
  }
  if (response.status === 404)
    return failed(
      `no HEC event endpoint at ${shown(target.route.url)}: ${said}`,
      `${target.urlSetting} should end in /services/collector/event, or be the bare https://host:8088`,
    );
  if (response.status >= 200 && response.status < 300) return ok(`the token is accepted: ${said} to an empty request`);
  return failed(`the token was not proven: ${said}`, `check ${secret} and the token's settings in Splunk`);
}
