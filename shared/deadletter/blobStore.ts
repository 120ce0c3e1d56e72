/**
 * Dead letters as blobs: one blob per failed batch, named to sort by time. Redrive claims a letter with a blob
 * lease, so several instances can redrive at once without sending a letter twice.
 */
import type { ContainerClient } from '@azure/storage-blob';
import type { TokenCredential } from '@azure/identity';
import type { StorageConnection } from '../azure/storageConnection.js';
import { deadLetterName, encodeDeadLetter, readDeadLetterMeta, type DeadLetter, type DeadLetterMeta } from './entry.js';
import type { DeadLetterStore, HeldLetter } from './store.js';

const LEASE_SECONDS = 60;

export class BlobDeadLetterStore implements DeadLetterStore {
  readonly #connection: StorageConnection;
  readonly #containerName: string;
  readonly #credential: () => TokenCredential;
  #client: Promise<ContainerClient> | undefined;
  #ready: Promise<unknown> | undefined;

  constructor(connection: StorageConnection, containerName: string, credential: () => TokenCredential) {
    this.#connection = connection;
    this.#containerName = containerName;
    this.#credential = credential;
  }

  async write(letter: DeadLetter): Promise<string> {
    const name = deadLetterName(letter);
    const content = encodeDeadLetter(letter);
    const container = await this.#container();
    const upload = () =>
      container.getBlockBlobClient(name).upload(content, Buffer.byteLength(content), {
        blobHTTPHeaders: { blobContentType: 'application/json' },
        metadata: metadataOf(letter.meta),
      });
    await this.#ensureContainer();
    try {
      await upload();
    } catch (error) {
      // Someone deleted the container since it was made: make it again rather than fail every write until restart.
      // (Storage refuses while the old one is still being removed; the invocation then fails and is retried.)
      if ((error as { code?: string }).code !== 'ContainerNotFound') throw error;
      this.#ready = undefined;
      await this.#ensureContainer();
      await upload();
    }
    return name;
  }

  async *list(): AsyncIterable<string> {
    await this.#ensureContainer();
    for await (const blob of (await this.#container()).listBlobsFlat()) yield blob.name;
  }

  async claim(name: string, work: (letter: HeldLetter) => Promise<void>): Promise<boolean> {
    const blob = (await this.#container()).getBlockBlobClient(name);
    const leases = blob.getBlobLeaseClient();
    try {
      await leases.acquireLease(LEASE_SECONDS);
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status === 409 || status === 404) return false;
      throw error;
    }
    const conditions = { conditions: { leaseId: leases.leaseId } };
    // Keep the lease while the work runs: a redrive of a large letter against a slow SIEM can outlast one lease.
    const renew = setInterval(() => void leases.renewLease().catch(() => undefined), (LEASE_SECONDS * 1000) / 3);
    let deleted = false;
    try {
      const content = (await blob.downloadToBuffer(0, undefined, conditions)).toString('utf8');
      await work({
        name,
        content,
        replace: async (next) => {
          const meta = readDeadLetterMeta(next);
          await blob.upload(next, Buffer.byteLength(next), {
            ...conditions,
            blobHTTPHeaders: { blobContentType: 'application/json' },
            ...(meta ? { metadata: metadataOf(meta) } : {}),
          });
        },
        delete: async () => {
          await blob.delete(conditions);
          deleted = true;
        },
      });
      return true;
    } finally {
      clearInterval(renew);
      if (!deleted) await leases.releaseLease().catch(() => undefined);
    }
  }

  /** The SDK is loaded on first use, as every Azure SDK is (see credentialOnFirstUse). */
  #container(): Promise<ContainerClient> {
    this.#client ??= import('@azure/storage-blob').then(({ BlobServiceClient }) => {
      const connection = this.#connection;
      const service =
        connection.kind === 'identity'
          ? new BlobServiceClient(connection.serviceUri, this.#credential())
          : BlobServiceClient.fromConnectionString(connection.value.reveal());
      return service.getContainerClient(this.#containerName);
    });
    return this.#client;
  }

  #ensureContainer(): Promise<unknown> {
    this.#ready ??= this.#container().then((container) => container.createIfNotExists()).catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }
}

/** Blob metadata, so a letter's reason and category show in the portal and in listings without reading it. */
function metadataOf(meta: Pick<DeadLetterMeta, 'reason' | 'category'>): Record<string, string> {
  return { reason: meta.reason, category: meta.category ?? 'unknown' };
}
