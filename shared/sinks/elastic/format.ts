/**
 * The _bulk body: per record a `create` action naming the index and the record's deterministic id, then the
 * record's text as the document source. `create` with a fixed `_id` makes a resent record a harmless 409.
 */
import { idOf } from '../../pipeline/recordId.js';
import type { ForwardRecord } from '../../types/records.js';
import type { Router } from '../../route/router.js';
import type { Route } from '../../types/route.js';
import type { Format } from '../../types/format.js';
import { recordBody } from '../recordBody.js';

export function elasticBulkFormat(router: Router): Format {
  // Index names must be lowercase; a template such as defender-{table} is lower-cased whole. Once per route.
  const indexes = new WeakMap<Route, string | undefined>();
  const indexOf = (route: Route) => {
    if (!indexes.has(route)) indexes.set(route, JSON.stringify(route.index?.toLowerCase()));
    return indexes.get(route);
  };
  const action = (record: ForwardRecord) =>
    `{"create":{"_index":${indexOf(router.route(record))},"_id":"${idOf(record)}"}}\n`;
  const shape = {
    open: '',
    between: '',
    close: '',
    around: (record: ForwardRecord) => ({ before: action(record), after: '\n' }),
  };
  return {
    contentType: 'application/x-ndjson',
    frameBytes: 0,
    recordBytes: (record) => Buffer.byteLength(action(record)) + record.bytes + 1,
    encode: (records) => recordBody(records, shape),
  };
}
