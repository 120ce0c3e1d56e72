/**
 * The names operators see in Application Insights (customMetrics) and that infra/ alerts and the workbook query.
 * Renaming one breaks dashboards: treat them as a public interface.
 */
export const metricNames = {
  /** Event Hub messages by the form their body reached the handler in: bytes, text, or parsed (digits may be lost). {hub, body} */
  messagesReceived: 'forwarder.messages.received',
  /** Records taken from Event Hub messages (and inputs that could not be split into records). {category, hub} */
  recordsReceived: 'forwarder.records.received',
  /** Records the SIEM accepted. {category, hub} */
  recordsForwarded: 'forwarder.records.forwarded',
  /** Records written to the dead-letter store. {category, hub, reason} */
  recordsDeadLettered: 'forwarder.records.dead_lettered',
  /** Records the SIEM could not take yet: the trigger runs the invocation again. {category, hub} */
  recordsPending: 'forwarder.records.pending',
  /** Records deliberately not forwarded (category filters). {category, hub, reason} */
  recordsExcluded: 'forwarder.records.excluded',
  /** Requests sent to the SIEM. {category, hub, outcome} */
  batchesSent: 'forwarder.batches.sent',
  /** Request body bytes sent to the SIEM. {category, hub} */
  bytesSent: 'forwarder.bytes.sent',
  /** Requests that will be retried. {category, hub, reason} */
  retries: 'forwarder.siem.retries',
  /** 429 answers from the SIEM. {category, hub} */
  throttles: 'forwarder.siem.throttled',
  /** SIEM request duration, ms. {category, hub, outcome} */
  siemDuration: 'forwarder.siem.duration',
  /** Device records by how MachineGroup was obtained. {category, hub, source} */
  enrichment: 'forwarder.enrichment.records',
  /** Device directory calls that failed (records went on unfilled where only the directory knew). {hub, stage} */
  directoryFailures: 'forwarder.enrichment.directory_failures',
  /** Now minus the Event Hub enqueued time, ms. {hub} */
  lagEnqueued: 'forwarder.lag.enqueued',
  /** Now minus the record's own `time` (Defender's receive time), ms, for an even sample of each invocation's records. {category, hub} */
  lagRecord: 'forwarder.lag.record',
} as const;
