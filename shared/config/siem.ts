/**
 * The SIEM half of the configuration: which protocol, where to (URL and per-table routes), how to authenticate,
 * and how large a request may be. Each protocol's own limits and defaults are stated here, in one place.
 */
import { expandTemplate, hasPlaceholders, TEMPLATE_VARIABLES, unknownPlaceholders } from '../route/template.js';
import { quoted } from './quoted.js';
import { isTenantRoute, type RouteField, type RouteOverride, type RouteOverrides } from './routes.js';
import { secretHeaderProblem, trimSecret } from './secretText.js';
import { isSecureUrl } from './secureUrl.js';
import type { Destination } from '../types/route.js';
import { SecretValue } from '../types/secretValue.js';
import type { SettingName, Settings } from './settings.js';

export type SiemFormat = Settings['SIEM_FORMAT'];
export type SiemAuthMode = NonNullable<Settings['SIEM_AUTH']>;

export type SiemAuth =
  | { readonly mode: 'none' | 'bearer' | 'splunk' | 'basic' | 'apikey' | 'mtls' }
  | { readonly mode: 'header'; readonly header: string }
  | { readonly mode: 'entra'; readonly scope: string };

export interface SiemConfig {
  readonly format: SiemFormat;
  /** SIEM_URL (may hold placeholders; every expansion is an https, or loopback http, URL on one origin) and the rest. */
  readonly destination: Destination;
  /** Per-table and per-tenant overrides of the destination (SIEM_ROUTES). */
  readonly routes: RouteOverrides;
  readonly auth: SiemAuth;
  /** The Key Vault secrets routes name (`secretName`), by name. */
  readonly routeSecrets: ReadonlyMap<string, KeyVaultSecret>;
  readonly gzip: boolean;
  /** Extra CA certificates (PEM) for a SIEM with a private CA, from Key Vault. */
  readonly caCertificate?: KeyVaultSecret;
  readonly splunk: { readonly ack?: { readonly timeoutMs: number } };
  readonly sentinel?: { readonly dcrImmutableId: string };
  readonly maxBatchBytes: number;
  readonly maxBatchRecords: number;
  readonly timeoutMs: number;
  readonly concurrency: number;
}

export interface KeyVaultSecret {
  readonly kind: 'key-vault';
  readonly vaultUrl: string;
  readonly name: string;
  readonly cacheMs: number;
}

export type SecretSource =
  | { readonly kind: 'none' }
  | KeyVaultSecret
  | { readonly kind: 'value'; readonly value: SecretValue }
  /** A token from the app identity (managed identity in Azure) for `scope`. */
  | { readonly kind: 'entra'; readonly scope: string };

/** Request body limits each protocol states: the default of SIEM_MAX_BATCH_BYTES, and its ceiling. */
export const FORMAT_BYTE_LIMITS: Readonly<Record<SiemFormat, { readonly default: number; readonly max: number }>> = {
  ndjson: { default: 1024 * 1024, max: 100 * 1024 * 1024 },
  json: { default: 1024 * 1024, max: 100 * 1024 * 1024 },
  // HEC's max_content_length was 1 MB for years and still is on many deployments.
  'splunk-hec': { default: 1_000_000, max: 1_000_000 },
  // Elastic advises bulk requests of a few MB; far below http.max_content_length (100 MB).
  'elastic-bulk': { default: 10 * 1024 * 1024, max: 10 * 1024 * 1024 },
  // The Logs Ingestion API refuses calls over 1 MB.
  sentinel: { default: 1_000_000, max: 1_000_000 },
};

const DEFAULT_AUTH: Readonly<Record<SiemFormat, SiemAuthMode>> = {
  ndjson: 'bearer',
  json: 'bearer',
  'splunk-hec': 'splunk',
  'elastic-bulk': 'apikey',
  sentinel: 'entra',
};

/** The path a bare SIEM_URL (https://host:port) gets, for protocols whose path is fixed. */
const DEFAULT_PATH: Partial<Record<SiemFormat, string>> = {
  'splunk-hec': '/services/collector/event',
  'elastic-bulk': '/_bulk',
};

/** Which route fields each protocol uses; a route setting another is a mistake worth stopping for. */
const ROUTE_FIELDS_BY_FORMAT: Readonly<Record<SiemFormat, readonly RouteField[]>> = {
  ndjson: ['url', 'secretName'],
  json: ['url', 'secretName'],
  'splunk-hec': ['url', 'secretName', 'sourcetype', 'index'],
  'elastic-bulk': ['url', 'secretName', 'index'],
  sentinel: ['url', 'stream'],
};

export const MONITOR_SCOPE = 'https://monitor.azure.com/.default';

type Report = (name: SettingName, message: string) => void;

export function parseSiem(
  values: Settings,
  report: Report,
): { siem: SiemConfig; secret: SecretSource } | undefined {
  const format = values.SIEM_FORMAT;
  const url = parseUrlTemplate(values.SIEM_URL, format, (message) => report('SIEM_URL', message));
  // The mode is known even when its header or scope is missing, so what depends on it is still checked.
  const mode = values.SIEM_AUTH ?? DEFAULT_AUTH[format];
  const auth = parseAuth(values, mode, report);
  const secret = parseSecretSource(values, mode, auth, report);
  const caCertificate = parseCaCertificate(values, report);
  const routes = checkRoutesFor(values.SIEM_ROUTES, format, mode, report);
  const limits = FORMAT_BYTE_LIMITS[format];
  const maxBatchBytes = values.SIEM_MAX_BATCH_BYTES ?? limits.default;
  if (maxBatchBytes > limits.max) {
    report('SIEM_MAX_BATCH_BYTES', `must not exceed ${limits.max} for SIEM_FORMAT=${format} (the protocol's limit), got ${maxBatchBytes}`);
  }
  let sentinel: SiemConfig['sentinel'];
  if (format === 'sentinel') {
    const id = values.SENTINEL_DCR_ID;
    if (id === undefined || !/^dcr-[0-9a-f]{32}$/.test(id)) {
      report('SENTINEL_DCR_ID', `is required for SIEM_FORMAT=sentinel: the rule's immutable id, dcr- and 32 hex digits, got ${quoted(id ?? '')}`);
    } else {
      sentinel = { dcrImmutableId: id };
    }
  }
  const destination = destinationFor(format, url, values);
  const templates = ['SPLUNK_SOURCETYPE', 'SPLUNK_INDEX', 'ELASTIC_INDEX', 'SENTINEL_STREAM'] as const;
  for (const name of templates) checkPlaceholders(name, values[name], report);
  if (!url || !auth || !secret || caCertificate === null || !routes || (format === 'sentinel' && !sentinel)) return undefined;
  return {
    secret,
    siem: {
      format,
      destination,
      routes,
      auth,
      routeSecrets: routeSecrets(routes, values),
      gzip: values.SIEM_GZIP,
      ...(caCertificate ? { caCertificate } : {}),
      splunk: values.SPLUNK_HEC_ACK ? { ack: { timeoutMs: values.SPLUNK_HEC_ACK_TIMEOUT_SECONDS * 1000 } } : {},
      ...(sentinel ? { sentinel } : {}),
      maxBatchBytes,
      maxBatchRecords: values.SIEM_MAX_BATCH_RECORDS,
      timeoutMs: values.SIEM_TIMEOUT_SECONDS * 1000,
      concurrency: values.SIEM_MAX_CONCURRENCY,
    },
  };
}

function destinationFor(format: SiemFormat, url: string | undefined, values: Settings): Destination {
  const destination: { url: string; sourcetype?: string; index?: string; stream?: string } = { url: url ?? '' };
  if (format === 'splunk-hec') {
    destination.sourcetype = values.SPLUNK_SOURCETYPE;
    if (values.SPLUNK_INDEX !== undefined) destination.index = values.SPLUNK_INDEX;
  } else if (format === 'elastic-bulk') {
    destination.index = values.ELASTIC_INDEX;
  } else if (format === 'sentinel') {
    destination.stream = values.SENTINEL_STREAM;
  }
  return destination;
}

function checkPlaceholders(name: SettingName, template: string | undefined, report: Report): void {
  const unknown = template === undefined ? [] : unknownPlaceholders(template);
  if (unknown.length > 0) report(name, `uses {${unknown.join('}, {')}}; templates may use {${TEMPLATE_VARIABLES.join('}, {')}}`);
}

/**
 * Checks a URL template by expanding it twice with different values: both must be valid https (or loopback
 * http) URLs on the same origin, so a placeholder can pick a path or query but never the host.
 */
export function parseUrlTemplate(raw: string | undefined, format: SiemFormat, report: (message: string) => void): string | undefined {
  if (raw === undefined) return undefined;
  const unknown = unknownPlaceholders(raw);
  if (unknown.length > 0) {
    report(`uses {${unknown.join('}, {')}}; a URL may use {${TEMPLATE_VARIABLES.join('}, {')}}`);
    return undefined;
  }
  const samples = [
    expandTemplate(raw, { category: 'a', table: 'a', tenantId: 'a' }),
    expandTemplate(raw, { category: 'b', table: 'b', tenantId: 'b' }),
  ];
  let urls: URL[];
  try {
    urls = samples.map((sample) => new URL(sample));
  } catch {
    report(`must be an absolute URL, got ${quoted(raw)}`);
    return undefined;
  }
  const [first, second] = urls as [URL, URL];
  if (first.origin !== second.origin) {
    // A host from record data would send the credential wherever a record says; per-tenant hosts are tenant routes.
    report(`may use {${TEMPLATE_VARIABLES.join('}, {')}} in its path or query only, got ${quoted(raw)}`);
    return undefined;
  }
  if (first.username || first.password) {
    report('must not carry credentials; put the secret in Key Vault');
    return undefined;
  }
  if (!isSecureUrl(first)) {
    report(`must be https (plain http is allowed only on loopback), got "${first.protocol}//${first.host}"`);
    return undefined;
  }
  const path = DEFAULT_PATH[format];
  if (path !== undefined && first.pathname === '/' && !hasPlaceholders(raw) && first.search === '') {
    return `${first.origin}${path}`;
  }
  return raw;
}

type AuthMode = SiemAuth['mode'];

function parseAuth(values: Settings, mode: AuthMode, report: Report): SiemAuth | undefined {
  if (values.SIEM_FORMAT === 'sentinel' && mode !== 'entra') {
    report('SIEM_AUTH', `must be entra for SIEM_FORMAT=sentinel (the Logs Ingestion API takes Entra tokens only), got ${quoted(mode)}`);
    return undefined;
  }
  if (mode === 'header') {
    const header = values.SIEM_AUTH_HEADER;
    if (!header || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header)) {
      report('SIEM_AUTH_HEADER', 'is required when SIEM_AUTH=header: a valid HTTP header name such as X-Api-Key');
      return undefined;
    }
    return { mode, header };
  }
  if (mode === 'entra') {
    const scope = values.SIEM_ENTRA_SCOPE ?? (values.SIEM_FORMAT === 'sentinel' ? MONITOR_SCOPE : undefined);
    if (scope === undefined) {
      report('SIEM_ENTRA_SCOPE', 'is required when SIEM_AUTH=entra: the scope the SIEM accepts tokens for, such as api://my-siem/.default');
      return undefined;
    }
    return { mode, scope };
  }
  return { mode };
}

const VAULT_URL = /^https:\/\/[^/]+\/?$/;

/** Reports every problem with where the secret comes from; returns it only when there is none and auth is valid. */
function parseSecretSource(values: Settings, mode: AuthMode, auth: SiemAuth | undefined, report: Report): SecretSource | undefined {
  const vaultUrl = values.KEY_VAULT_URL;
  const name = values.SIEM_SECRET_NAME;
  const routeNamesSecret = sendsSecret(mode) && [...values.SIEM_ROUTES.values()].some((route) => route.secretName !== undefined);
  const needsVault = name !== undefined || values.SIEM_CA_CERT !== undefined || routeNamesSecret;
  let valid = !needsVault || checkVaultUrl(vaultUrl, report);
  if (vaultUrl !== undefined && !needsVault) {
    report('KEY_VAULT_URL', 'is set, but nothing is read from it: set SIEM_SECRET_NAME (or SIEM_CA_CERT) too');
    valid = false;
  }
  if (!sendsSecret(mode)) {
    if (name !== undefined || values.SIEM_SECRET !== undefined) {
      report('SIEM_AUTH', `is ${mode}, which sends no secret: remove SIEM_SECRET_NAME and SIEM_SECRET`);
      valid = false;
    }
  } else if (name !== undefined) {
    valid = checkSecretName('SIEM_SECRET_NAME', name, report) && valid;
  } else if (!values.SIEM_SECRET) {
    report('SIEM_AUTH', `${mode} needs a secret: set KEY_VAULT_URL and SIEM_SECRET_NAME (or SIEM_SECRET for local development), or SIEM_AUTH=none`);
    valid = false;
  }
  if (!valid || !auth) return undefined;
  if (auth.mode === 'entra') return { kind: 'entra', scope: auth.scope };
  if (auth.mode === 'none') return { kind: 'none' };
  if (name !== undefined) return { kind: 'key-vault', vaultUrl: vaultUrl!, name, cacheMs: values.SECRET_CACHE_MINUTES * 60_000 };
  const value = trimSecret(values.SIEM_SECRET!.reveal());
  const problem = value === '' ? 'holds nothing but line breaks' : secretHeaderProblem(mode, value);
  if (problem !== undefined) {
    report('SIEM_SECRET', problem);
    return undefined;
  }
  return { kind: 'value', value: new SecretValue(value) };
}

/** undefined when not configured, null when misconfigured (already reported). */
function parseCaCertificate(values: Settings, report: Report): KeyVaultSecret | undefined | null {
  const name = values.SIEM_CA_CERT;
  const vaultUrl = values.KEY_VAULT_URL;
  if (name === undefined) return undefined;
  if (!checkSecretName('SIEM_CA_CERT', name, report) || vaultUrl === undefined || !VAULT_URL.test(vaultUrl)) return null;
  return { kind: 'key-vault', vaultUrl, name, cacheMs: values.SECRET_CACHE_MINUTES * 60_000 };
}

function checkVaultUrl(vaultUrl: string | undefined, report: Report): boolean {
  if (vaultUrl === undefined) {
    report('KEY_VAULT_URL', "is required when SIEM_SECRET_NAME, SIEM_CA_CERT or a route's secretName is set");
    return false;
  }
  if (!VAULT_URL.test(vaultUrl)) {
    report('KEY_VAULT_URL', `must be a vault URL such as https://my-vault.vault.azure.net, got ${quoted(vaultUrl)}`);
    return false;
  }
  return true;
}

function checkSecretName(setting: SettingName, name: string, report: Report): boolean {
  if (/^[0-9a-zA-Z-]{1,127}$/.test(name)) return true;
  report(setting, `must be a Key Vault secret name (letters, digits, dashes), got ${quoted(name)}`);
  return false;
}

/**
 * The routes with their URLs given the protocol's path like SIEM_URL; undefined when any is wrong (reported).
 * A tenant route that sets a URL names the secret beside it, so neither the default credential nor another
 * route's is ever sent to a tenant's endpoint.
 */
function checkRoutesFor(routes: RouteOverrides, format: SiemFormat, mode: AuthMode, report: Report): RouteOverrides | undefined {
  const allowed = ROUTE_FIELDS_BY_FORMAT[format];
  const checked = new Map<string, RouteOverride>();
  let valid = true;
  const problem = (message: string) => {
    report('SIEM_ROUTES', message);
    valid = false;
  };
  for (const [key, override] of routes) {
    for (const [field, template] of Object.entries(override) as [RouteField, string][]) {
      if (!allowed.includes(field)) {
        problem(`.${key}.${field} does not apply to SIEM_FORMAT=${format}, which routes by ${allowed.join(', ')}`);
      } else if (field === 'secretName') {
        if (!sendsSecret(mode)) problem(`.${key}.secretName does not apply to SIEM_AUTH=${mode}, which sends no secret`);
        else checkSecretName('SIEM_ROUTES', template, (_, message) => problem(`.${key}.secretName ${message}`));
      } else if (field !== 'url' && unknownPlaceholders(template).length > 0) {
        problem(`.${key}.${field} uses an unknown placeholder; templates may use {${TEMPLATE_VARIABLES.join('}, {')}}`);
      }
    }
    const url = override.url === undefined ? undefined : parseUrlTemplate(override.url, format, (message) => problem(`.${key}.url ${message}`));
    if (url !== undefined && isTenantRoute(key) && sendsSecret(mode) && override.secretName === undefined) {
      problem(`.${key}.url needs a secretName beside it: a tenant's endpoint is sent only the secret its route names`);
    }
    checked.set(key, url === undefined ? override : { ...override, url });
  }
  return valid ? checked : undefined;
}

function sendsSecret(mode: AuthMode): boolean {
  return mode !== 'none' && mode !== 'entra';
}

/** Only called once KEY_VAULT_URL is known good (parseSecretSource requires it when a route names a secret). */
function routeSecrets(routes: RouteOverrides, values: Settings): ReadonlyMap<string, KeyVaultSecret> {
  const secrets = new Map<string, KeyVaultSecret>();
  for (const { secretName: name } of routes.values()) {
    if (name !== undefined) secrets.set(name, { kind: 'key-vault', vaultUrl: values.KEY_VAULT_URL!, name, cacheMs: values.SECRET_CACHE_MINUTES * 60_000 });
  }
  return secrets;
}
