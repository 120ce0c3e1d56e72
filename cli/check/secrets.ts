/**
 * Each credential the settings name, read the way delivery reads it: the default secret, each route's, the SIEM's
 * CA, or an Entra token. A value is never shown: its length and the first 8 hex digits of its SHA-256 are, so it
 * can be compared with the one meant (printf %s "$TOKEN" | sha256sum | cut -c1-8).
 */
import { createHash, X509Certificate } from 'node:crypto';
import type { TokenCredential } from '@azure/identity';
import type { SecretClientOptions } from '@azure/keyvault-secrets';
import type { Config } from '../../shared/config/config.js';
import type { KeyVaultSecret } from '../../shared/config/siemConfig.js';
import type { Pipeline } from '../../shared/pipeline/pipeline.js';
import { createSecretProvider, type SecretProvider } from '../../shared/secrets/secretProvider.js';
import { SecretUnavailableError } from '../../shared/secrets/secretReader.js';
import { failed, ok, type Finding } from './probes/probe.js';
import { explainAzureError, type AzureTarget } from './azureProblem.js';
import { result, type CheckResult } from './result.js';
import { within } from './timeLimit.js';

export interface SecretParts {
  readonly credential: () => TokenCredential;
  readonly keyVaultClientOptions?: SecretClientOptions;
}

interface SecretToCheck {
  readonly subject: string;
  readonly provider: SecretProvider;
  /** Where it is read from, to explain a failure. */
  readonly from: AzureTarget;
  readonly describe: (value: string) => Finding;
}

const vault = (missing: string): AzureTarget => ({
  resource: 'the vault',
  setting: 'KEY_VAULT_URL',
  grant: 'give the identity the Key Vault Secrets User role on the vault',
  missing,
});

/** Where a route's credential comes from, as fixes and output name it. */
export function secretLabel(config: Config, secretName: string | undefined): string {
  if (secretName !== undefined) return `Key Vault secret "${secretName}"`;
  const source = config.secret;
  switch (source.kind) {
    case 'none':
      return 'no credential (SIEM_AUTH=none)';
    case 'value':
      return 'SIEM_SECRET';
    case 'key-vault':
      return `Key Vault secret "${source.name}"`;
    case 'entra':
      return `the Entra token for ${source.scope}`;
  }
}

export async function checkSecrets(
  config: Config,
  pipeline: Pipeline,
  parts: SecretParts,
  timeoutMs: number,
): Promise<CheckResult[]> {
  return Promise.all(secretsOf(config, pipeline, parts).map((secret) => checkSecret(secret, timeoutMs)));
}

function secretsOf(config: Config, pipeline: Pipeline, parts: SecretParts): SecretToCheck[] {
  const secrets: SecretToCheck[] = [];
  const source = config.secret;
  if (source.kind !== 'none') {
    secrets.push({
      subject: `${secretLabel(config, undefined)}${source.kind === 'key-vault' ? ` (SIEM_SECRET_NAME) in ${source.vaultUrl}` : ''}`,
      provider: pipeline.secrets.of({}),
      from:
        source.kind === 'entra'
          ? {
              resource: 'Microsoft Entra ID',
              setting: 'SIEM_ENTRA_SCOPE',
              grant: 'check SIEM_ENTRA_SCOPE and what the SIEM grants this identity',
            }
          : vault('create the secret in the vault, or correct SIEM_SECRET_NAME'),
      describe: source.kind === 'entra' ? () => ok('a token was issued') : fingerprint,
    });
  }
  const defaultName = source.kind === 'key-vault' ? source.name : undefined;
  for (const [name, vaultSecret] of config.siem.routeSecrets) {
    if (name === defaultName) continue;
    secrets.push({
      subject: `Key Vault secret "${name}" (SIEM_ROUTES secretName) in ${vaultSecret.vaultUrl}`,
      provider: pipeline.secrets.of({ secretName: name }),
      from: vault('create the secret in the vault, or correct the secretName in SIEM_ROUTES'),
      describe: fingerprint,
    });
  }
  const ca: KeyVaultSecret | undefined = config.siem.caCertificate;
  if (ca) {
    secrets.push({
      subject: `Key Vault secret "${ca.name}" (SIEM_CA_CERT) in ${ca.vaultUrl}`,
      provider: createSecretProvider(ca, parts.credential, parts.keyVaultClientOptions),
      from: vault('create the secret with the CA certificate in PEM, or correct SIEM_CA_CERT'),
      describe: certificates,
    });
  }
  return secrets;
}

async function checkSecret(secret: SecretToCheck, timeoutMs: number): Promise<CheckResult> {
  try {
    const value = await within(timeoutMs, () => secret.provider.get());
    return result(
      'secret',
      secret.subject,
      value === undefined ? failed('no value', 'set the secret') : secret.describe(value.reveal()),
    );
  } catch (error) {
    // Read, but not usable (an mtls secret without its key): the message says what was found, never the value.
    if (error instanceof SecretUnavailableError && error.cause === undefined) {
      return result('secret', secret.subject, failed(error.message, 'store the right value in the secret'));
    }
    const explained = explainAzureError(error, secret.from);
    return result('secret', secret.subject, failed(explained.detail, explained.fix));
  }
}

function fingerprint(value: string): Finding {
  return ok(
    `readable: ${value.length} character(s), SHA-256 ${createHash('sha256').update(value).digest('hex').slice(0, 8)}…`,
  );
}

/** A CA bundle: how many certificates parse, never their text. */
function certificates(pem: string): Finding {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const valid = blocks.filter((block) => {
    try {
      return new X509Certificate(block) !== undefined;
    } catch {
      return false;
    }
  }).length;
  if (valid === 0)
    return failed(
      'readable, but holds no PEM certificate that parses',
      "store the SIEM's CA certificate(s) in PEM in the secret",
    );
  return ok(
    `readable: ${valid} certificate(s) in PEM${valid < blocks.length ? `; ${blocks.length - valid} more do not parse` : ''}`,
  );
}
