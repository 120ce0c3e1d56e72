import type { Format } from '../../types/format.js';
import { recordBody } from '../recordBody.js';

// Every record ends its line, the last one too.
const SHAPE = { open: '', between: '\n', close: '\n' };

/** One record a line: the record texts as received, joined by newlines. */
export const ndjsonFormat: Format = {
  contentType: 'application/x-ndjson',
  frameBytes: 0,
  recordBytes: (record) => record.bytes + 1,
  encode: (records) => (records.length === 0 ? Buffer.alloc(0) : recordBody(records, SHAPE)),
};
