/** Elasticsearch and OpenSearch _bulk (SIEM_FORMAT=elastic-bulk). */
import type { SiemConfig } from '../../config/config.js';
import type { Router } from '../../route/router.js';
import { protocolSink } from '../request.js';
import type { Sink } from '../../types/sink.js';
import { classifyBulkResponse } from './classify.js';
import { elasticBulkFormat } from './format.js';

export function createElasticSink(siem: SiemConfig, router: Router): Sink {
  return protocolSink(siem, router, { format: elasticBulkFormat(router), classify: classifyBulkResponse });
}
