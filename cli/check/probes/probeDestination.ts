/**
 * Which probe a destination gets: its protocol's, or for a generic endpoint (and a protocol without a probe of its
 * own), a GET that proves it answers.
 */
import { elasticBulk } from '../../../shared/sinks/elastic/sink.js';
import { sentinel } from '../../../shared/sinks/sentinel/sink.js';
import { splunkHec } from '../../../shared/sinks/splunkHec/sink.js';
import { probeElastic } from './elastic.js';
import { answered, bareGet, note, ok, send, type DestinationFindings, type ProbeTarget } from './probe.js';
import { probeSentinel } from './sentinel.js';
import { probeSplunkHec } from './splunkHec.js';

export function probeDestination(target: ProbeTarget): Promise<DestinationFindings> {
  switch (target.siem.format) {
    case splunkHec.format:
      return probeSplunkHec(target);
    case elasticBulk.format:
      return probeElastic(target);
    case sentinel.format:
      return probeSentinel(target);
    default:
      return probeEndpoint(target);
  }
}

/**
 * A generic endpoint has no way to check a credential without taking a record, and a POST of nothing could still
 * start something on the other side (a Logic App run, say). So: a GET without the credential, which proves the
 * name resolves, the port answers, TLS is trusted (and with mtls, the client certificate passed the handshake).
 */
async function probeEndpoint(target: ProbeTarget): Promise<DestinationFindings> {
  const request = bareGet(target, target.route.url);
  const answer = await send(target, request);
  if ('unreachable' in answer) return answer.unreachable;
  const handshake = target.siem.auth.mode === 'mtls' ? '; the client certificate passed the TLS handshake' : '';
  return {
    endpoint: ok(`${answered(request, answer.response)}${handshake}`),
    credential:
      target.siem.auth.mode === 'none'
        ? ok('none is sent (SIEM_AUTH=none)')
        : note(
            'not proven: a generic endpoint cannot check a credential without taking a record',
            '--send-test-record sends one marked test record',
          ),
  };
}
