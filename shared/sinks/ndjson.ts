import type { Format } from './format.js';

/** One record a line: the record texts as received, joined by newlines. */
export const ndjsonFormat: Format = {
  contentType: 'application/x-ndjson',
  emptyBytes: 0,
  recordBytes: (record) => record.bytes + 1,
  encode(records) {
    let body = '';
    for (const record of records) body += record.text + '\n';
    return Buffer.from(body);
  },
};
