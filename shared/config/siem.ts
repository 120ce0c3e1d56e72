/**
 * The SIEM half of the configuration: which protocol, where to (URL and per-table routes), how to authenticate,
 * and how large a request may be. What differs by protocol (limits, defaults, route fields, its own settings) is
 * asked of its definition in the registry.
 */
import { expandTemplate, hasPlaceholders, TEMPLATE_VARIABLES, unknownPlaceholders } from '../route/template.js';
import type { SinkDefinition } from '../sinks/definition.js';
import { sinkFor } from '../sinks/registry.js';
import { quoted } from './quoted.js';
import { isTenantRoute, type RouteField, type RouteOverride, type RouteOverrides } from './routes.js';
import { secretHeaderProblem, trimSecret } from './secretText.js';
import { isSecureUrl } from './secureUrl.js';
import type { AllSettings, SettingName, Settings } from './settings.js';
import {
  DEFAULT_AUTH_MODE,
  type KeyVaultSecret,
  type SecretSource,
  type SiemAuth,
  type SiemAuthMode,
  type SiemConfig,
} from './siemConfig.js';
import { SecretValue } from '../types/secretValue.js';

type Report = (name: SettingName, message: string) => void;
/** Reports on any setting: a protocol's own too, by the name its definition gives it. */
type ReportAny = (name: string, message: string) => void;

export function parseSiem(
  values: AllSettings,
  sinks: readonly SinkDefinition[],
  report: ReportAny,
): { siem: SiemConfig; secret: SecretSource } | undefined {
  const format = values.SIEM_FORMAT;
  const sink = sinkFor(format, sinks);
  const url = parseUrlTemplate(values.SIEM_URL, sink.url?.defaultPath, (message) => report('SIEM_URL', message));
  // The mode is known even when its header or scope is missing, so what depends on it is still checked.
  const mode = values.SIEM_AUTH ?? sink.auth?.default ?? DEFAULT_AUTH_MODE;
  const auth = parseAuth(values, sink, mode, report);
  const secret = parseSecretSource(values, mode, auth, report);
  const caCertificate = parseCaCertificate(values, report);
  const routes = checkRoutesFor(values.SIEM_ROUTES, sink, mode, report);
  const limits = sink.maxBatchBytes;
  const maxBatchBytes = values.SIEM_MAX_BATCH_BYTES ?? limits.default;
  if (maxBatchBytes > limits.max) {
    report(
      'SIEM_MAX_BATCH_BYTES',
      `must not exceed ${limits.max} for SIEM_FORMAT=${format} (the protocol's limit), got ${maxBatchBytes}`,
    );
  }
  const protocol = sink.parse ? sink.parse(values, report) : {};
  const destination = { url: url ?? '', ...sink.destination?.(values) };
  // Every protocol's templates, not only the chosen one's: a misspelt placeholder is a mistake whatever the format.
  for (const definition of sinks) {
    for (const [name, spec] of Object.entries(definition.settings))
      if (spec.template) checkPlaceholders(name, values[name], report);
  }
  if (!url || !auth || !secret || caCertificate === null || !routes || protocol === undefined) return undefined;
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
      protocol,
      maxBatchBytes,
      maxBatchRecords: values.SIEM_MAX_BATCH_RECORDS,
      timeoutMs: values.SIEM_TIMEOUT_SECONDS * 1000,
      concurrency: values.SIEM_MAX_CONCURRENCY,
    },
  };
}

function checkPlaceholders(name: string, template: unknown, report: ReportAny): void {
  const unknown = typeof template === 'string' ? unknownPlaceholders(template) : [];
  if (unknown.length > 0)
    report(name, `uses {${unknown.join('}, {')}}; templates may use {${TEMPLATE_VARIABLES.join('}, {')}}`);
}

/**
 * Checks a URL template by expanding it twice with different values: both must be valid https (or loopback
 * http) URLs on the same origin, so a placeholder can pick a path or query but never the host.
 */
export function parseUrlTemplate(
  raw: string | undefined,
  defaultPath: string | undefined,
  report: (message: string) => void,
): string | undefined {
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
  if (defaultPath !== undefined && first.pathname === '/' && !hasPlaceholders(raw) && first.search === '') {
    return `${first.origin}${defaultPath}`;
  }
  return raw;
}

function parseAuth(values: Settings, sink: SinkDefinition, mode: SiemAuthMode, report: Report): SiemAuth | undefined {
  const required = sink.auth;
  if (required?.onlyBecause !== undefined && mode !== required.default) {
    report(
      'SIEM_AUTH',
      `must be ${required.default} for SIEM_FORMAT=${sink.format} (${required.onlyBecause}), got ${quoted(mode)}`,
    );
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
    const scope = values.SIEM_ENTRA_SCOPE ?? sink.auth?.entraScope;
    if (scope === undefined) {
      report(
        'SIEM_ENTRA_SCOPE',
        'is required when SIEM_AUTH=entra: the scope the SIEM accepts tokens for, such as api://my-siem/.default',
      );
      return undefined;
    }
    return { mode, scope };
  }
  return { mode };
}

const VAULT_URL = /^https:\/\/[^/]+\/?$/;

/** Reports every problem with where the secret comes from; returns it only when there is none and auth is valid. */
function parseSecretSource(
  values: Settings,
  mode: SiemAuthMode,
  auth: SiemAuth | undefined,
  report: Report,
): SecretSource | undefined {
  const vaultUrl = values.KEY_VAULT_URL;
  const name = values.SIEM_SECRET_NAME;
  const routeNamesSecret =
    sendsSecret(mode) && [...values.SIEM_ROUTES.values()].some((route) => route.secretName !== undefined);
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
    report(
      'SIEM_AUTH',
      `${mode} needs a secret: set KEY_VAULT_URL and SIEM_SECRET_NAME (or SIEM_SECRET for local development), or SIEM_AUTH=none`,
    );
    valid = false;
  }
  if (!valid || !auth) return undefined;
  if (auth.mode === 'entra') return { kind: 'entra', scope: auth.scope };
  if (auth.mode === 'none') return { kind: 'none' };
  if (name !== undefined)
    return { kind: 'key-vault', vaultUrl: vaultUrl!, name, cacheMs: values.SECRET_CACHE_MINUTES * 60_000 };
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
  if (!checkSecretName('SIEM_CA_CERT', name, report) || vaultUrl === undefined || !VAULT_URL.test(vaultUrl))
    return null;
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
function checkRoutesFor(
  routes: RouteOverrides,
  sink: SinkDefinition,
  mode: SiemAuthMode,
  report: Report,
): RouteOverrides | undefined {
  const allowed = sink.routeFields;
  const checked = new Map<string, RouteOverride>();
  let valid = true;
  const problem = (message: string) => {
    report('SIEM_ROUTES', message);
    valid = false;
  };
  for (const [key, override] of routes) {
    for (const [field, template] of Object.entries(override) as [RouteField, string][]) {
      if (!allowed.includes(field)) {
        problem(`.${key}.${field} does not apply to SIEM_FORMAT=${sink.format}, which routes by ${allowed.join(', ')}`);
      } else if (field === 'secretName') {
        if (!sendsSecret(mode))
          problem(`.${key}.secretName does not apply to SIEM_AUTH=${mode}, which sends no secret`);
        else checkSecretName('SIEM_ROUTES', template, (_, message) => problem(`.${key}.secretName ${message}`));
      } else if (field !== 'url' && unknownPlaceholders(template).length > 0) {
        problem(`.${key}.${field} uses an unknown placeholder; templates may use {${TEMPLATE_VARIABLES.join('}, {')}}`);
      }
    }
    const url =
      override.url === undefined
        ? undefined
        : parseUrlTemplate(override.url, sink.url?.defaultPath, (message) => problem(`.${key}.url ${message}`));
    if (url !== undefined && isTenantRoute(key) && sendsSecret(mode) && override.secretName === undefined) {
      problem(`.${key}.url needs a secretName beside it: a tenant's endpoint is sent only the secret its route names`);
    }
    checked.set(key, url === undefined ? override : { ...override, url });
  }
  return valid ? checked : undefined;
}

function sendsSecret(mode: SiemAuthMode): boolean {
  return mode !== 'none' && mode !== 'entra';
}

/** Only called once KEY_VAULT_URL is known good (parseSecretSource requires it when a route names a secret). */
function routeSecrets(routes: RouteOverrides, values: Settings): ReadonlyMap<string, KeyVaultSecret> {
  const secrets = new Map<string, KeyVaultSecret>();
  for (const { secretName: name } of routes.values()) {
    if (name !== undefined)
      secrets.set(name, {
        kind: 'key-vault',
        vaultUrl: values.KEY_VAULT_URL!,
        name,
        cacheMs: values.SECRET_CACHE_MINUTES * 60_000,
      });
  }
  return secrets;
}
