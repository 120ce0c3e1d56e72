/**
 * Defender history as it lands in storage, generated at test time: the Streaming API's hourly storage-account
 * export (PT1H.json, one record a line, CRLF as some writers leave it) and Event Hubs Capture Avro files, written
 * with avsc in Capture's own EventData schema.
 */
import avsc from 'avsc';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { TENANT } from './records.js';

/** The schema Event Hubs Capture writes (Microsoft.ServiceBus.Messaging.EventData). */
export const CAPTURE_SCHEMA: avsc.Schema = {
  type: 'record',
  name: 'EventData',
  namespace: 'Microsoft.ServiceBus.Messaging',
  fields: [
    { name: 'SequenceNumber', type: 'long' },
    { name: 'Offset', type: 'string' },
    { name: 'EnqueuedTimeUtc', type: 'string' },
    { name: 'SystemProperties', type: { type: 'map', values: ['long', 'double', 'string', 'bytes'] } },
    { name: 'Properties', type: { type: 'map', values: ['long', 'double', 'string', 'bytes', 'null'] } },
    { name: 'Body', type: ['null', 'bytes'] },
  ],
};

export interface ExportFile {
  readonly table: string;
  /** The hour the file covers. */
  readonly hour: Date;
  readonly lines: readonly string[];
  readonly tenantId?: string;
  readonly lineEnd?: '\n' | '\r\n';
}

/** The blob name Azure Monitor gives an hour of one table: the container name is its first segment. */
export function exportName(file: ExportFile): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  const hour = file.hour;
  return (
    `insights-logs-advancedhunting-${file.table.toLowerCase()}/tenantId=${file.tenantId ?? TENANT}/` +
    `y=${hour.getUTCFullYear()}/m=${pad(hour.getUTCMonth() + 1)}/d=${pad(hour.getUTCDate())}/h=${pad(hour.getUTCHours())}/m=00/PT1H.json`
  );
}

export function exportContent(file: ExportFile): string {
  const end = file.lineEnd ?? '\r\n';
  return file.lines.map((line) => `${line}${end}`).join('');
}

export async function writeExport(root: string, file: ExportFile): Promise<string> {
  const path = join(root, ...exportName(file).split('/'));
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, exportContent(file));
  return path;
}

export interface CaptureOptions {
  readonly firstSequence?: number;
  readonly enqueued?: string;
  readonly codec?: 'null' | 'deflate';
}

/** An Avro container holding one EventData per body (null: an event without a body). */
export async function captureFile(bodies: readonly (string | null)[], options: CaptureOptions = {}): Promise<Buffer> {
  const encoder = new avsc.streams.BlockEncoder(CAPTURE_SCHEMA, { codec: options.codec ?? 'null' });
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    encoder.on('data', (chunk: Buffer) => chunks.push(chunk));
    encoder.on('end', resolve);
    encoder.on('error', reject);
  });
  bodies.forEach((body, i) => {
    const sequence = (options.firstSequence ?? 0) + i;
    encoder.write({
      SequenceNumber: sequence,
      Offset: String(sequence * 1024),
      EnqueuedTimeUtc: options.enqueued ?? '7/18/2026 2:08:10 PM',
      SystemProperties: { 'x-opt-sequence-number': { long: sequence } },
      Properties: {},
      Body: body === null ? null : Buffer.from(body),
    });
  });
  encoder.end();
  await done;
  return Buffer.concat(chunks);
}

/** Capture's default name: <namespace>/<hub>/<partition>/YYYY/MM/DD/HH/mm/ss.avro. */
export function captureName(hub: string, partition: number, time: Date): string {
  const [date, clock] = time.toISOString().split('T') as [string, string];
  return `ns1/${hub}/${partition}/${date.replaceAll('-', '/')}/${clock.slice(0, 8).replaceAll(':', '/')}.avro`;
}
