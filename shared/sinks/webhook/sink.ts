/** A generic HTTP endpoint (SIEM_FORMAT ndjson or json): records as sent, the answer read by status code. */
import { classifyResponse } from '../../deliver/outcome.js';
import type { Format } from '../../types/format.js';
import { defineSink } from '../definition.js';
import { jsonArrayFormat } from '../jsonArray.js';
import { protocolSink } from '../request.js';
import { ndjsonFormat } from './ndjson.js';

function webhook(format: string, about: string, body: Format) {
  return defineSink({
    format,
    about,
    settings: {},
    maxBatchBytes: { default: 1024 * 1024, max: 100 * 1024 * 1024 },
    routeFields: ['url', 'secretName'],
    create: (siem, router) =>
      protocolSink(siem, router, { format: body, classify: (response) => classifyResponse(response) }),
  });
}

export const ndjsonWebhook = webhook('ndjson', 'one record a line', ndjsonFormat);
export const jsonWebhook = webhook('json', 'an array', jsonArrayFormat);
