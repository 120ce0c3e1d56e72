/**
 * SIEM_AUTH=mtls: the client certificate and its private key as one PEM text, which is what a Key Vault
 * certificate with PEM content type hands out as its secret (key first, then the chain), or a secret holding both.
 */
import { SecretUnavailableError } from '../secrets/secretReader.js';

export interface ClientCertificate {
  /** Certificate chain, leaf first. */
  readonly cert: string;
  readonly key: string;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/g;

export function parseClientCertificate(pem: string): ClientCertificate {
  const certificates: string[] = [];
  const keys: string[] = [];
  for (const match of pem.matchAll(PEM_BLOCK)) {
    const label = match[1]!;
    if (label === 'CERTIFICATE') certificates.push(match[0]);
    else if (label.endsWith('PRIVATE KEY')) keys.push(match[0]);
  }
  if (certificates.length === 0 || keys.length !== 1) {
    // Say what was found, never the text itself: it holds a private key.
    throw new SecretUnavailableError(
      `the mtls secret must hold PEM certificates and one private key; found ${certificates.length} certificate(s) and ${keys.length} key(s)`,
    );
  }
  return { cert: certificates.join('\n'), key: keys[0]! };
}
