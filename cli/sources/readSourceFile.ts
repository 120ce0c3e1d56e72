/** Reads one file's messages with the reader its name calls for, counting the bytes that come off the source. */
import { pipeline, Transform, type Readable } from 'node:stream';
import type { EventMessage, MessageSource } from '../../shared/types/records.js';
import { readCapture } from './captureAvro.js';
import { readBodyFile, readBodyLines } from './eventHubBodies.js';
import { readName, type FileShape } from './fileNames.js';
import type { SourceFile } from './sourceFile.js';
import { readStorageExport } from './storageExport.js';

type Reader = (input: Readable, source: MessageSource) => AsyncIterable<EventMessage>;

const READERS: Record<FileShape, Reader> = {
  'event-hub-body': readBodyFile,
  'event-hub-lines': readBodyLines,
  'storage-export': readStorageExport,
  capture: readCapture,
};

export async function* readSourceFile(
  file: SourceFile,
  onBytes: (bytes: number) => void,
): AsyncGenerator<EventMessage> {
  // A file named explicitly is read even when its name is none of the shapes: as one message body.
  const facts = readName(file.name) ?? { shape: 'event-hub-body' as const };
  const metered = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
  pipeline(await file.open(), metered, () => undefined);
  const source = {
    ...file.source,
    ...(facts.hub ? { hub: facts.hub } : {}),
    ...(facts.partition ? { partition: facts.partition } : {}),
  };
  yield* READERS[facts.shape](metered, source);
}
