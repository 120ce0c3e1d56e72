import type { Format } from './format.js';

/** A JSON array of the record texts as received. */
export const jsonArrayFormat: Format = {
  contentType: 'application/json',
  emptyBytes: 2,
  recordBytes: (record) => record.bytes + 1,
  encode(records) {
    let body = '[';
    for (let i = 0; i < records.length; i++) body += (i === 0 ? '' : ',') + records[i]!.text;
    return Buffer.from(body + ']');
  },
};
