/**
 * What a file is, from its name alone: the three ways Defender data reaches storage each have their own naming.
 * - Streaming API to a storage account (Azure Monitor's export): one blob per table per hour,
 *   insights-logs-advancedhunting-<table>/tenantId=<id>/y=YYYY/m=MM/d=DD/h=HH/m=00/PT1H.json, one record a line.
 * - Event Hubs Capture: Avro files, by default <namespace>/<hub>/<partition>/YYYY/MM/DD/HH/mm/ss.avro.
 * - Event Hub message bodies saved by hand: .json (one body) or .jsonl/.ndjson (one body a line).
 */
import { basename, extname } from 'node:path/posix';
import type { DataWindow } from './sourceFile.js';

export type FileShape = 'event-hub-body' | 'event-hub-lines' | 'storage-export' | 'capture';

export interface NameFacts {
  readonly shape: FileShape;
  /** When the name says when its data was written. */
  readonly window?: DataWindow;
  readonly hub?: string;
  readonly partition?: string;
}

const HOUR_MS = 3_600_000;
const EXPORT_HOUR = /(?:^|\/)y=(\d{4})\/m=(\d{2})\/d=(\d{2})\/h=(\d{2})\/m=(\d{2})\/PT1H\.json$/;
const CAPTURE_TIME = /(?:^|\/)(?:([^/]+)\/(\d+)\/)?(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\/(\d{2})\/(\d{2})\.avro$/;

/** Undefined for a name that is none of the shapes (a folder listing skips it). */
export function readName(name: string): NameFacts | undefined {
  if (basename(name) === 'PT1H.json') {
    const hour = EXPORT_HOUR.exec(name);
    if (!hour) return { shape: 'storage-export' };
    const start = utc(hour.slice(1, 6));
    return { shape: 'storage-export', window: { start, end: start + HOUR_MS } };
  }
  switch (extname(name)) {
    case '.json':
      return { shape: 'event-hub-body' };
    case '.jsonl':
    case '.ndjson':
      return { shape: 'event-hub-lines' };
    case '.avro': {
      const capture = CAPTURE_TIME.exec(name);
      if (!capture) return { shape: 'capture' };
      const [, hub, partition, ...time] = capture;
      const start = utc(time);
      return {
        shape: 'capture',
        window: { start, end: start + 1 },
        ...(hub && partition ? { hub, partition } : {}),
      };
    }
    default:
      return undefined;
  }
}

function utc(parts: (string | undefined)[]): number {
  const [year, month, day, hour, minute, second] = parts.map(Number);
  return Date.UTC(year!, month! - 1, day!, hour!, minute!, second ?? 0);
}
