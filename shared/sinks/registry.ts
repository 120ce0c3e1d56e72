/**
 * The protocols, one line each; SIEM_FORMAT names one, and the first is the default. A new protocol is a folder
 * whose SinkDefinition says everything about it, and a line here.
 */
import type { SiemConfig } from '../config/siemConfig.js';
import { createRouter } from '../route/router.js';
import type { Sink } from '../types/sink.js';
import type { SinkDefinition } from './definition.js';
import { elasticBulk } from './elastic/sink.js';
import { sentinel } from './sentinel/sink.js';
import { splunkHec } from './splunkHec/sink.js';
import { jsonWebhook, ndjsonWebhook } from './webhook/sink.js';

export const SINKS: readonly SinkDefinition[] = [ndjsonWebhook, jsonWebhook, splunkHec, elasticBulk, sentinel];

/** The protocol SIEM_FORMAT=`format` picks; configuration lets no other format through. */
export function sinkFor(format: string, sinks: readonly SinkDefinition[] = SINKS): SinkDefinition {
  const sink = sinks.find((candidate) => candidate.format === format);
  if (!sink) throw new Error(`no protocol in the registry has SIEM_FORMAT=${format}`);
  return sink;
}

/** `sinks`: the registry; a test may add a protocol of its own. */
export function createSink(siem: SiemConfig, sinks: readonly SinkDefinition[] = SINKS): Sink {
  return sinkFor(siem.format, sinks).create(siem, createRouter(siem.destination, siem.routes));
}
