/**
 * Dead letters as blobs: one blob per failed batch, named to sort by time. Redrive claims a letter with a blob
 * lease, so several instances can redrive at once without sending a letter twice. Every call to Storage has a
 * time limit: a store that takes the connection and never answers fails the invocation in time to be retried.
 */
import type { ContainerClient } from '@azure/storage-blob';
import type { TokenCredential } from '@azure/identity';
import type { StorageConnection } from '../azure/storageConnection.js';
import { withTimeout } from '../timeout/withTimeout.js';
import {
  categoryLabel,
  deadLetterName,
  encodeDeadLetter,
  readDeadLetterMeta,
  type DeadLetter,
  type DeadLetterMeta,
} from './entry.js';
import type { DeadLetterStore, HeldLetter } from './store.js';

const LEASE_SECONDS = 60;
/**
 * How long one call may take, its retries included. Dead letters are written after the invocation's deadline,
 * in the margin kept before the host's functionTimeout (at least 30 s, see hostSettings), all at once.
 */
export const STORE_TIMEOUT_MS = 20_000;
/** A few quick retries inside the time limit, instead of the SDK's default waits of 4, 8 and 16 s. */
const RETRY_OPTIONS = { maxTries: 3, retryDelayInMs: 500, maxRetryDelayInMs: 4_000 };
const LIST_PAGE_SIZE = 1_000;

export interface BlobStoreOptions {
  /** The time limit of each call to Storage; tests shorten it. */
  readonly timeoutMs?: number;
}

export class BlobDeadLetterStore implements DeadLetterStore {
  readonly #container: () => Promise<ContainerClient>;
  readonly #timeoutMs: number;
  #ready: Promise<unknown> | undefined;

  constructor(
    connection: StorageConnection,
    containerName: string,
    credential: () => TokenCredential,
    options: BlobStoreOptions = {},
  ) {
    // The SDK is loaded on first use, as every Azure SDK is (see credentialOnFirstUse).
    let client: Promise<ContainerClient> | undefined;
    this.#container = () =>
      (client ??= import('@azure/storage-blob').then(({ BlobServiceClient }) => {
        const clientOptions = { retryOptions: RETRY_OPTIONS };
        const service =
          connection.kind === 'identity'
            ? new BlobServiceClient(connection.serviceUri, credential(), clientOptions)
            : BlobServiceClient.fromConnectionString(connection.value.reveal(), clientOptions);
        return service.getContainerClient(containerName);
      }));
    this.#timeoutMs = options.timeoutMs ?? STORE_TIMEOUT_MS;
  }

  write(letter: DeadLetter): Promise<string> {
    const name = deadLetterName(letter);
    const content = encodeDeadLetter(letter);
    return this.#bounded(async (abortSignal) => {
      const container = await this.#container();
      const upload = () =>
        container.getBlockBlobClient(name).upload(content, Buffer.byteLength(content), {
          abortSignal,
          blobHTTPHeaders: { blobContentType: 'application/json' },
          metadata: metadataOf(letter.meta),
        });
      await this.#ensureContainer(abortSignal);
      try {
        await upload();
      } catch (error) {
        // Someone deleted the container since it was made: make it again rather than fail every write until restart.
        // (Storage refuses while the old one is still being removed; the invocation then fails and is retried.)
        if ((error as { code?: string }).code !== 'ContainerNotFound') throw error;
        this.#ready = undefined;
        await this.#ensureContainer(abortSignal);
        await upload();
      }
      return name;
    });
  }

  async *list(): AsyncIterable<string> {
    await this.#bounded((abortSignal) => this.#ensureContainer(abortSignal));
    let continuationToken: string | undefined;
    do {
      // One time limit per page: a store of many letters may take longer to list than any one call should.
      const page = await this.#bounded(async (abortSignal) => {
        const pages = (await this.#container())
          .listBlobsFlat({ abortSignal })
          .byPage({ maxPageSize: LIST_PAGE_SIZE, ...(continuationToken ? { continuationToken } : {}) });
        return (await pages.next()).value;
      });
      for (const blob of page?.segment.blobItems ?? []) yield blob.name;
      continuationToken = page?.continuationToken || undefined;
    } while (continuationToken);
  }

  async claim(name: string, work: (letter: HeldLetter) => Promise<void>): Promise<boolean> {
    const blob = (await this.#container()).getBlockBlobClient(name);
    const leases = blob.getBlobLeaseClient();
    try {
      await this.#bounded((abortSignal) => leases.acquireLease(LEASE_SECONDS, { abortSignal }));
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status === 409 || status === 404) return false;
      throw error;
    }
    const conditions = { leaseId: leases.leaseId };
    // Keep the lease while the work runs: a redrive of a large letter against a slow SIEM can outlast one lease.
    const renew = setInterval(
      () => void this.#bounded((abortSignal) => leases.renewLease({ abortSignal })).catch(() => undefined),
      (LEASE_SECONDS * 1000) / 3,
    );
    let deleted = false;
    try {
      const content = (
        await this.#bounded((abortSignal) => blob.downloadToBuffer(0, undefined, { abortSignal, conditions }))
      ).toString('utf8');
      await work({
        name,
        content,
        replace: async (next) => {
          const meta = readDeadLetterMeta(next);
          await this.#bounded((abortSignal) =>
            blob.upload(next, Buffer.byteLength(next), {
              abortSignal,
              conditions,
              blobHTTPHeaders: { blobContentType: 'application/json' },
              ...(meta ? { metadata: metadataOf(meta) } : {}),
            }),
          );
        },
        delete: async () => {
          await this.#bounded((abortSignal) => blob.delete({ abortSignal, conditions }));
          deleted = true;
        },
      });
      return true;
    } finally {
      clearInterval(renew);
      if (!deleted) await this.#bounded((abortSignal) => leases.releaseLease({ abortSignal })).catch(() => undefined);
    }
  }

  #bounded<T>(call: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
    return withTimeout(this.#timeoutMs, 'Blob storage', call);
  }

  #ensureContainer(abortSignal: AbortSignal): Promise<unknown> {
    this.#ready ??= this.#container()
      .then((container) => container.createIfNotExists({ abortSignal }))
      .catch((error: unknown) => {
        this.#ready = undefined;
        throw error;
      });
    return this.#ready;
  }
}

/**
 * Blob metadata, so a letter's reason and category show in the portal and in listings without reading it. Metadata
 * travels as HTTP headers: the category goes as its label, which any header can carry.
 */
function metadataOf(meta: Pick<DeadLetterMeta, 'reason' | 'category'>): Record<string, string> {
  return { reason: meta.reason, category: categoryLabel(meta.category) };
}
