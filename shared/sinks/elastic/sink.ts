/** Elasticsearch and OpenSearch _bulk (SIEM_FORMAT=elastic-bulk). */
import { text } from '../../config/settingTypes.js';
import { defineSink } from '../definition.js';
import { protocolSink } from '../request.js';
import { classifyBulkResponse } from './classify.js';
import { elasticBulkFormat } from './format.js';

export const elasticBulk = defineSink({
  format: 'elastic-bulk',
  about: 'Elasticsearch/OpenSearch _bulk',
  settings: {
    ELASTIC_INDEX: text({
      description: 'elastic-bulk: target index or data stream; may contain {table} and {tenantId} (lower-cased).',
      default: 'defender-{table}',
      template: true,
    }),
  },
  // Elastic advises bulk requests of a few MB; far below http.max_content_length (100 MB).
  maxBatchBytes: { default: 10 * 1024 * 1024, max: 10 * 1024 * 1024 },
  auth: { default: 'apikey' },
  url: { defaultPath: '/_bulk' },
  routeFields: ['url', 'secretName', 'index'],
  destination: (values) => ({ index: values.ELASTIC_INDEX }),
  create: (siem, router) =>
    protocolSink(siem, router, { format: elasticBulkFormat(router), classify: classifyBulkResponse }),
});
