/** Splunk HTTP Event Collector (SIEM_FORMAT=splunk-hec). */
import { flag, integer, text } from '../../config/settingTypes.js';
import { defineSink } from '../definition.js';
import { protocolSink } from '../request.js';
import { CHANNEL_HEADER, newChannel, withIndexerAcknowledgement } from './ack.js';
import { classifyHecResponse } from './classify.js';
import { splunkHecFormat } from './format.js';

export interface HecProtocol {
  /** SPLUNK_HEC_ACK: a request counts as delivered once HEC confirms it indexed, within `timeoutMs`. */
  readonly ack?: { readonly timeoutMs: number };
}

export const splunkHec = defineSink({
  format: 'splunk-hec',
  about: 'Splunk HTTP Event Collector',
  settings: {
    SPLUNK_SOURCETYPE: text({
      description: 'splunk-hec: sourcetype of each event; may contain {table}, {category} and {tenantId}.',
      default: 'mscs:azure:eventhub:defender:advancedhunting',
      template: true,
    }),
    SPLUNK_INDEX: text({
      description:
        "splunk-hec: index of each event; may contain {category}, {table} and {tenantId}. Unset uses the token's default index.",
      example: 'defender',
      template: true,
    }),
    SPLUNK_HEC_ACK: flag({
      description: 'splunk-hec: use indexer acknowledgement, so records count as delivered only once indexed.',
      default: false,
    }),
    SPLUNK_HEC_ACK_TIMEOUT_SECONDS: integer({
      description:
        'splunk-hec with SPLUNK_HEC_ACK: how long to wait for a batch to be indexed before sending it again.',
      default: 60,
      min: 1,
      max: 600,
    }),
  },
  // HEC's max_content_length was 1 MB for years and still is on many deployments.
  maxBatchBytes: { default: 1_000_000, max: 1_000_000 },
  auth: { default: 'splunk' },
  url: { defaultPath: '/services/collector/event' },
  routeFields: ['url', 'secretName', 'sourcetype', 'index'],
  destination: (values) => ({
    sourcetype: values.SPLUNK_SOURCETYPE,
    ...(values.SPLUNK_INDEX === undefined ? {} : { index: values.SPLUNK_INDEX }),
  }),
  parse: (values): HecProtocol =>
    values.SPLUNK_HEC_ACK ? { ack: { timeoutMs: values.SPLUNK_HEC_ACK_TIMEOUT_SECONDS * 1000 } } : {},
  create(siem, router) {
    const format = splunkHecFormat(router);
    const ack = siem.protocol.ack;
    if (!ack) return protocolSink(siem, router, { format, classify: classifyHecResponse });
    return protocolSink(siem, router, {
      format,
      classify: classifyHecResponse,
      headers: { [CHANNEL_HEADER]: newChannel() },
      confirm: { wrapPost: (post) => withIndexerAcknowledgement(post, ack.timeoutMs), withinMs: ack.timeoutMs },
    });
  },
});
