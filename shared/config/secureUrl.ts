/**
 * Where the app may send what it sends (records, credentials, tokens): https anywhere, plain http only to this
 * machine (a local SIEM, collector or emulator; the tests).
 */

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]']);
// An IPv4 literal in 127.0.0.0/8; a name such as 127.example.com is not loopback.
const LOOPBACK_IPV4 = /^127(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

export function isLoopback(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname) || LOOPBACK_IPV4.test(url.hostname);
}

/** https, or http on loopback. */
export function isSecureUrl(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url));
}
