/** Splunk HTTP Event Collector (SIEM_FORMAT=splunk-hec). */
import type { SiemConfig } from '../../config/config.js';
import type { Router } from '../../route/router.js';
import { protocolSink } from '../request.js';
import type { Sink } from '../../types/sink.js';
import { CHANNEL_HEADER, newChannel, withIndexerAcknowledgement } from './ack.js';
import { classifyHecResponse } from './classify.js';
import { splunkHecFormat } from './format.js';

export function createSplunkHecSink(siem: SiemConfig, router: Router): Sink {
  const format = splunkHecFormat(router);
  const ack = siem.splunk.ack;
  if (!ack) return protocolSink(siem, router, { format, classify: classifyHecResponse });
  return protocolSink(siem, router, {
    format,
    classify: classifyHecResponse,
    headers: { [CHANNEL_HEADER]: newChannel() },
    wrapPost: (post) => withIndexerAcknowledgement(post, ack.timeoutMs),
  });
}
