/**
 * How each SIEM_AUTH mode presents the credential on a request. The value is revealed here and only here, straight
 * into the header; mtls presents its certificate in the TLS handshake instead (see clientCertificate.ts).
 */
import type { SiemAuth } from '../config/siemConfig.js';
import type { SecretValue } from '../types/secretValue.js';

export function authHeaders(auth: SiemAuth, secret: SecretValue | undefined): Record<string, string> {
  if (secret === undefined) return {};
  switch (auth.mode) {
    case 'none':
    case 'mtls':
      return {};
    case 'bearer':
    case 'entra':
      return { authorization: `Bearer ${secret.reveal()}` };
    case 'splunk':
      return { authorization: `Splunk ${secret.reveal()}` };
    case 'apikey':
      // Elastic's "encoded" API key: base64 of id:api_key, as the create-API-key call returns it.
      return { authorization: `ApiKey ${secret.reveal()}` };
    case 'basic':
      return { authorization: `Basic ${Buffer.from(secret.reveal()).toString('base64')}` };
    case 'header':
      return { [auth.header.toLowerCase()]: secret.reveal() };
  }
}
