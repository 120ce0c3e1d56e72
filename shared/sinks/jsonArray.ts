import type { Format } from './format.js';
import { recordBody } from './recordBody.js';

const SHAPE = { open: '[', between: ',', close: ']' };

/** A JSON array of the record texts as received. */
export const jsonArrayFormat: Format = {
  contentType: 'application/json',
  emptyBytes: 2,
  recordBytes: (record) => record.bytes + 1,
  encode: (records) => recordBody(records, SHAPE),
};
