/**
 * Source files straight from a Blob container, read with the user's identity (DefaultAzureCredential: an Azure
 * CLI login on a workstation, the managed identity in Azure). A container URL that carries a SAS is used as it is;
 * a connection string (BACKFILL_STORAGE) is for Azurite and local development only.
 */
import type { TokenCredential } from '@azure/identity';
import type { ContainerClient } from '@azure/storage-blob';
import type { Readable } from 'node:stream';
import { isSecureUrl } from '../../shared/config/secureUrl.js';
import { quoted } from '../../shared/config/quoted.js';
import { STORE_TIMEOUT_MS } from '../../shared/deadletter/blobStore.js';
import { withTimeout } from '../../shared/timeout/withTimeout.js';
import type { SecretValue } from '../../shared/types/secretValue.js';
import { readName } from './fileNames.js';
import type { SourceFile } from './sourceFile.js';

export interface BlobAccess {
  readonly credential: () => TokenCredential;
  readonly connectionString?: SecretValue;
  /** The time limit of each call to Storage; tests shorten it. */
  readonly timeoutMs?: number;
}

export interface BlobInput {
  /** https://<account>.blob.core.windows.net/<container>, optionally with a SAS query. */
  readonly url: string;
  readonly prefix?: string;
}

/** How often a broken download is resumed from where it stopped before the run gives up on the file. */
const DOWNLOAD_RETRIES = 5;

/** Lists names and sizes only; a container of any size costs memory per blob, never per byte. */
export async function listBlobFiles(input: BlobInput, access: BlobAccess): Promise<SourceFile[]> {
  const url = containerUrl(input.url);
  const base = `${url.origin}${url.pathname}`;
  const container = await containerClient(url, access);
  const files: SourceFile[] = [];
  const timeoutMs = access.timeoutMs ?? STORE_TIMEOUT_MS;
  let continuationToken: string | undefined;
  do {
    // Each page, and each download's start, has a time limit: a store that stops answering ends the run, said.
    const page = await withTimeout(timeoutMs, 'Blob storage', async (abortSignal) => {
      const pages = container
        .listBlobsFlat({ abortSignal, ...(input.prefix ? { prefix: input.prefix } : {}) })
        .byPage(continuationToken ? { continuationToken } : {});
      return (await pages.next()).value;
    });
    for (const blob of page?.segment.blobItems ?? []) {
      const facts = readName(blob.name);
      if (!facts) continue;
      const written = (blob.properties.createdOn ?? blob.properties.lastModified).getTime();
      const key = `${base}/${blob.name}`;
      files.push({
        key,
        name: `${url.pathname.split('/').pop()}/${blob.name}`,
        bytes: blob.properties.contentLength ?? 0,
        window: facts.window ?? { start: written, end: written + 1 },
        source: { blob: key },
        open: async () => {
          const response = await withTimeout(timeoutMs, 'Blob storage', (abortSignal) =>
            container
              .getBlobClient(blob.name)
              .download(0, undefined, { abortSignal, maxRetryRequests: DOWNLOAD_RETRIES }),
          );
          return response.readableStreamBody as Readable;
        },
      });
    }
    continuationToken = page?.continuationToken || undefined;
  } while (continuationToken);
  return files;
}

function containerUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(
      `--from-blob needs a container URL such as https://<account>.blob.core.windows.net/<container>, got ${quoted(text)}`,
    );
  }
  if (!isSecureUrl(url)) {
    throw new Error(
      `--from-blob must be https (plain http is allowed only on loopback), got "${url.protocol}//${url.host}"`,
    );
  }
  if (url.pathname.replace(/\/+$/, '') === '')
    throw new Error(`--from-blob needs the container in the URL: ${url.origin}/<container>`);
  url.pathname = url.pathname.replace(/\/+$/, '');
  return url;
}

/** The SDK is loaded here, when a container is asked for, as every Azure SDK is (see credentialOnFirstUse). */
async function containerClient(url: URL, access: BlobAccess): Promise<ContainerClient> {
  const { BlobServiceClient, ContainerClient } = await import('@azure/storage-blob');
  if (url.searchParams.has('sig')) return new ContainerClient(url.href);
  const name = decodeURIComponent(url.pathname.split('/').pop()!);
  if (access.connectionString)
    return BlobServiceClient.fromConnectionString(access.connectionString.reveal()).getContainerClient(name);
  return new ContainerClient(url.href, access.credential());
}
