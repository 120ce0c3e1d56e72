/** Every file a replay will read, in order, limited to the time range asked for. */
import { listBlobFiles, type BlobAccess, type BlobInput } from './blobContainer.js';
import { listLocalFiles } from './localFiles.js';
import { inRange, type SourceFile, type TimeRange } from './sourceFile.js';

export interface SourceInputs extends TimeRange {
  readonly paths: readonly string[];
  readonly blobs: readonly BlobInput[];
}

export async function listSources(inputs: SourceInputs, access: BlobAccess): Promise<SourceFile[]> {
  const files = await listLocalFiles(inputs.paths);
  for (const blob of inputs.blobs) {
    for (const file of await listBlobFiles(blob, access)) files.push(file);
  }
  return files.filter((file) => inRange(file.window, inputs));
}
