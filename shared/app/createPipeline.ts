/**
 * Builds the long-lived parts of the pipeline from the Config, once per process. Both the functions and the
 * command line go through here, so they share configuration, secret loading and delivery.
 */
import type { TableServiceClientOptions } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';
import type { SecretClientOptions } from '@azure/keyvault-secrets';
import { parseClientCertificate } from '../auth/clientCertificate.js';
import { azureCredential } from '../azure/credential.js';
import type { Config } from '../config/config.js';
import { secretHeaderProblem } from '../config/secretText.js';
import type { SiemAuthMode } from '../config/siemConfig.js';
import { BlobDeadLetterStore } from '../deadletter/blobStore.js';
import { FolderDeadLetterStore } from '../deadletter/folderStore.js';
import type { DeadLetterStore } from '../deadletter/store.js';
import { SiemClient } from '../deliver/siemClient.js';
import type { DeviceDirectory } from '../enrich/deviceDirectory.js';
import { DeviceTable } from '../enrich/deviceTable.js';
import { MemoryDeviceDirectory } from '../enrich/memoryDirectory.js';
import { TableDeviceDirectory } from '../enrich/tableDirectory.js';
import { createCategoryFilter } from '../filter/categoryFilter.js';
import { createTenantFilter } from '../filter/tenants.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import { routeSecrets, type RouteSecrets } from '../secrets/routeSecrets.js';
import { createSecretProvider, type SecretCheck } from '../secrets/secretProvider.js';
import type { SinkDefinition } from '../sinks/definition.js';
import { createSink } from '../sinks/registry.js';
import type { Post } from '../types/sink.js';

export interface PipelineParts {
  readonly pipeline: Pipeline;
  close(): Promise<void>;
}

export interface PipelineOptions {
  /** 'blob' for the functions app, 'folder' for the command line. */
  readonly deadLetters: 'blob' | 'folder';
  readonly credential?: () => TokenCredential;
  /** Extra options for the Key Vault client (tests trust a loopback vault's certificate through these). */
  readonly keyVaultClientOptions?: SecretClientOptions;
  readonly directory?: DeviceDirectory;
  /** Extra options for the device directory's table client (tests count its requests through these). */
  readonly directoryClientOptions?: TableServiceClientOptions;
  /** The time limit of each call to the Blob dead-letter store (tests shorten it). */
  readonly deadLetterTimeoutMs?: number;
  /** The protocols config.siem.format may name: the registry's, unless a test brings one of its own. */
  readonly sinks?: readonly SinkDefinition[];
}

export function createPipeline(config: Config, options: PipelineOptions): PipelineParts {
  const credential = options.credential ?? azureCredential;
  const keyVault = options.keyVaultClientOptions;
  const client = new SiemClient({
    timeoutMs: config.siem.timeoutMs,
    connections: config.siem.concurrency,
    gzip: config.siem.gzip,
    clientIdentities: config.siem.auth.mode === 'mtls' ? 1 + config.siem.routeSecrets.size : 1,
    ...(config.siem.caCertificate ? { ca: createSecretProvider(config.siem.caCertificate, credential, keyVault) } : {}),
  });
  const sink = createSink(config.siem, options.sinks);
  const post: Post = (request, signal) => client.post(request, signal);
  // A secret is checked when it is read, so a certificate without its key, or a token no header can carry, fails
  // as an unusable secret (the records wait for a fix) and never reaches a request.
  const checkSecret = secretCheck(config.siem.auth.mode);
  const pipeline: Pipeline = {
    sink,
    post: sink.confirm ? sink.confirm.wrapPost(post) : post,
    secrets: siemSecrets(config, credential, keyVault, checkSecret),
    directory: options.directory ?? deviceDirectory(config, credential, options.directoryClientOptions),
    deadLetters: deadLetterStore(config, options, credential),
    limits: { maxBytes: config.siem.maxBatchBytes, maxRecords: config.siem.maxBatchRecords },
    concurrency: config.siem.concurrency,
    backoff: config.delivery.backoff,
    ...(config.enrich.defaultMachineGroup === undefined
      ? {}
      : { defaultMachineGroup: config.enrich.defaultMachineGroup }),
    filter: createCategoryFilter(config.categories),
    tenants: createTenantFilter(config.tenants.allowed),
    parseDynamicFields: config.shape.parseDynamicFields,
  };
  return { pipeline, close: () => client.close() };
}

function secretCheck(mode: SiemAuthMode): SecretCheck {
  if (mode !== 'mtls') return (value) => secretHeaderProblem(mode, value);
  return (value) => {
    try {
      parseClientCertificate(value);
      return undefined;
    } catch (error) {
      return `is not a client certificate: ${(error as Error).message}`;
    }
  };
}

/** The default secret and one per name the routes use; a route naming the default secret shares its cache. */
function siemSecrets(
  config: Config,
  credential: () => TokenCredential,
  keyVault: SecretClientOptions | undefined,
  check: SecretCheck,
): RouteSecrets {
  const defaultSecret = createSecretProvider(config.secret, credential, keyVault, check);
  const defaultName = config.secret.kind === 'key-vault' ? config.secret.name : undefined;
  const named = new Map(
    [...config.siem.routeSecrets].map(([name, source]) => [
      name,
      name === defaultName ? defaultSecret : createSecretProvider(source, credential, keyVault, check),
    ]),
  );
  return routeSecrets(defaultSecret, named);
}

function deadLetterStore(config: Config, options: PipelineOptions, credential: () => TokenCredential): DeadLetterStore {
  const blob = config.deadLetter.blob;
  if (options.deadLetters === 'folder') return new FolderDeadLetterStore(config.deadLetter.directory);
  if (!blob) throw new Error('dead-letter blob storage is not configured');
  return new BlobDeadLetterStore(blob.connection, blob.container, credential, {
    timeoutMs: options.deadLetterTimeoutMs,
  });
}

/** The table every instance shares when storage is configured; a per-process directory otherwise (command line). */
export function deviceDirectory(
  config: Config,
  credential: () => TokenCredential,
  clientOptions?: TableServiceClientOptions,
): DeviceDirectory {
  const { table, cache } = config.deviceDirectory;
  if (!table) return new MemoryDeviceDirectory(cache.capacity);
  return new TableDeviceDirectory(DeviceTable.connect(table.connection, table.name, credential, clientOptions), cache);
}
