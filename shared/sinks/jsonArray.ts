import type { Format } from '../types/format.js';
import { recordBody } from './recordBody.js';

const SHAPE = { open: '[', between: ',', close: ']' };

/** A JSON array of the record texts as received. */
export const jsonArrayFormat: Format = {
  contentType: 'application/json',
  // `[a,b]`: the opening bracket, then each record with the comma or closing bracket after it.
  frameBytes: 1,
  recordBytes: (record) => record.bytes + 1,
  encode: (records) => recordBody(records, SHAPE),
};
