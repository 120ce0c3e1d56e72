/**
 * What the shared SIEM settings' descriptions say of the protocols (their names, defaults and limits), written from
 * the protocols' definitions, so the settings table, the sample settings file and the docs name each one.
 */
import type { SinkDefinition } from '../sinks/definition.js';
import { DEFAULT_AUTH_MODE } from './siemConfig.js';

type Sinks = readonly SinkDefinition[];

/** "ndjson (one record a line), json (an array) or sentinel (...)". */
export function formatsText(sinks: Sinks): string {
  return listed(
    sinks.map((sink) => `${sink.format} (${sink.about})`),
    'or',
  );
}

/** " For splunk-hec and elastic-bulk a bare host gets the protocol path; for sentinel it is ...", or nothing. */
export function urlText(sinks: Sinks): string {
  const withPath = sinks.filter((sink) => sink.url?.defaultPath !== undefined).map((sink) => sink.format);
  const notes = [
    ...(withPath.length > 0 ? [`for ${listed(withPath, 'and')} a bare host gets the protocol path`] : []),
    ...sinks.flatMap((sink) => (sink.url?.note === undefined ? [] : [`for ${sink.format} ${sink.url.note}`])),
  ];
  return notes.length === 0 ? '' : ` ${sentence(notes.join('; '))}`;
}

/** "splunk for splunk-hec, apikey for elastic-bulk, else bearer". */
export function authDefaultsText(sinks: Sinks): string {
  const own = sinks.flatMap((sink) => (sink.auth === undefined ? [] : [`${sink.auth.default} for ${sink.format}`]));
  return own.length === 0 ? DEFAULT_AUTH_MODE : `${own.join(', ')}, else ${DEFAULT_AUTH_MODE}`;
}

/** " Default and ceiling: the format's limit (splunk-hec 1000000); ndjson and json 1048576 by default.", or nothing. */
export function batchBytesText(sinks: Sinks): string {
  const fixed = sinks.filter((sink) => sink.maxBatchBytes.default === sink.maxBatchBytes.max);
  const lowered = sinks.filter((sink) => sink.maxBatchBytes.default < sink.maxBatchBytes.max);
  const parts = [
    ...(fixed.length > 0 ? [`Default and ceiling: the format's limit (${byValue(fixed)})`] : []),
    ...(lowered.length > 0 ? [`${byValue(lowered)} by default`] : []),
  ];
  return parts.length === 0 ? '' : ` ${sentence(parts.join('; '))}`;
}

/** " Default for sentinel: https://monitor.azure.com/.default.", or nothing. */
export function entraScopesText(sinks: Sinks): string {
  return sinks
    .map((sink) => (sink.auth?.entraScope === undefined ? '' : ` Default for ${sink.format}: ${sink.auth.entraScope}.`))
    .join('');
}

/** "splunk-hec and sentinel 1000000, elastic-bulk 10485760": formats grouped by their default byte limit. */
function byValue(sinks: Sinks): string {
  const groups = new Map<number, string[]>();
  for (const sink of sinks)
    groups.set(sink.maxBatchBytes.default, [...(groups.get(sink.maxBatchBytes.default) ?? []), sink.format]);
  return [...groups].map(([bytes, formats]) => `${listed(formats, 'and')} ${bytes}`).join(', ');
}

/** "a", "a and b", "a, b and c". */
function listed(items: readonly string[], last: 'and' | 'or'): string {
  return items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${last} ${items.at(-1)}`;
}

function sentence(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}
