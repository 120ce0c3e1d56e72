/**
 * What to check first when a SIEM request fails, in the words of the settings: the network error or the SIEM's
 * answer (as outcome.ts classified it) mapped to the setting that most likely causes it.
 */

/** Network failures by the error code the request failed with ("network: ECONNREFUSED"); the first match wins. */
const NETWORK_FIXES: readonly (readonly [RegExp, string])[] = [
  [/ECONNREFUSED/, 'nothing listens there: check SIEM_URL (host and port) and that the SIEM is running'],
  [/ENOTFOUND|EAI_AGAIN/, "SIEM_URL's host name does not resolve: check SIEM_URL and the DNS this machine uses"],
  [
    /SecretUnavailable/,
    'the CA certificate could not be read: check SIEM_CA_CERT and KEY_VAULT_URL, and that your identity may read secrets there',
  ],
  [/CERT_HAS_EXPIRED|CERT_NOT_YET_VALID/, "the SIEM's certificate is outside its validity dates: renew it on the SIEM"],
  [
    /ALTNAME|HOSTNAME_MISMATCH/,
    "the SIEM's certificate does not name SIEM_URL's host: use the host name it was issued for",
  ],
  [
    /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/,
    "the SIEM's certificate does not chain to a trusted CA: set SIEM_CA_CERT to a Key Vault secret holding that CA (PEM)",
  ],
  [/SSL|EPROTO/, 'the server there does not speak TLS: SIEM_URL says https, and the port may serve plain http'],
  [
    /ECONNRESET|UND_ERR_SOCKET|EPIPE/,
    "the SIEM closed the connection: check that SIEM_URL's scheme (https or http) and port are the SIEM's",
  ],
  [
    /ETIMEDOUT|CONNECT_TIMEOUT|EHOSTUNREACH|ENETUNREACH/,
    'no answer from the host: check SIEM_URL, firewalls and the network path to the SIEM',
  ],
  [
    /Timeout|TIMEOUT|Abort/,
    'the SIEM did not answer within SIEM_TIMEOUT_SECONDS: check its health, or lower SIEM_MAX_BATCH_BYTES',
  ],
];

export function networkFix(reason: string): string {
  return (
    NETWORK_FIXES.find(([pattern]) => pattern.test(reason))?.[1] ??
    'check SIEM_URL and that the SIEM is reachable from this machine'
  );
}

/** The fix for an HTTP status the SIEM answered with. */
export function statusFix(status: number | undefined): string {
  if (status === 401 || status === 403) {
    return 'check the secret (SIEM_SECRET, or SIEM_SECRET_NAME in KEY_VAULT_URL) and SIEM_AUTH, how it is presented; 403 may also mean it may not write there';
  }
  if (status === 404 || status === 405)
    return "check the path in SIEM_URL (splunk-hec and elastic-bulk add their protocol's path to a bare host)";
  if (status === 413) return 'lower SIEM_MAX_BATCH_BYTES to what the SIEM accepts';
  if (status === 408 || status === 429 || (status !== undefined && status >= 500)) {
    return 'the SIEM is overloaded or failing: check its health; lower SIEM_MAX_CONCURRENCY if it keeps asking to slow down';
  }
  return "check that SIEM_FORMAT is what the endpoint expects; the dead letter keeps the SIEM's answer (responseExcerpt)";
}
