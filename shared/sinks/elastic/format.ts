/**
 * The _bulk body: per record a `create` action naming the index and the record's deterministic id, then the
 * record's text as the document source. `create` with a fixed `_id` makes a resent record a harmless 409.
 */
import type { ForwardRecord } from '../../pipeline/types.js';
import type { Router } from '../../route/router.js';
import type { Format } from '../format.js';

export function elasticBulkFormat(router: Router): Format {
  const action = (record: ForwardRecord) =>
    // Index names must be lowercase; a template such as defender-{table} is lower-cased whole.
    `{"create":{"_index":${JSON.stringify(router.route(record).index?.toLowerCase())},"_id":"${record.id}"}}\n`;
  return {
    contentType: 'application/x-ndjson',
    emptyBytes: 0,
    recordBytes: (record) => Buffer.byteLength(action(record)) + record.bytes + 1,
    encode(records) {
      let body = '';
      for (const record of records) body += `${action(record)}${record.text}\n`;
      return Buffer.from(body);
    },
  };
}
