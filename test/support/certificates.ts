/** A throwaway CA with a server certificate for 127.0.0.1 and a client certificate, made with openssl at test time. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificates {
  readonly ca: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
  /** A second client certificate from the same CA, to rotate to. */
  readonly rotatedClientCert: string;
  readonly rotatedClientKey: string;
}

let cached: TestCertificates | undefined;

export function testCertificates(): TestCertificates {
  cached ??= makeCertificates();
  return cached;
}

function makeCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'dsf-certs-'));
  const path = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=dsf test CA',
    '-keyout',
    path('ca.key'),
    '-out',
    path('ca.crt'),
  );
  const issue = (name: string, subject: string, extensions: string) => {
    writeFileSync(path(`${name}.ext`), extensions);
    openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      subject,
      '-keyout',
      path(`${name}.key`),
      '-out',
      path(`${name}.csr`),
    );
    openssl(
      'x509',
      '-req',
      '-in',
      path(`${name}.csr`),
      '-CA',
      path('ca.crt'),
      '-CAkey',
      path('ca.key'),
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      path(`${name}.ext`),
      '-out',
      path(`${name}.crt`),
    );
  };
  issue('server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  issue('client', '/CN=dsf-forwarder', 'extendedKeyUsage=clientAuth\n');
  issue('rotated', '/CN=dsf-forwarder-rotated', 'extendedKeyUsage=clientAuth\n');
  const read = (name: string) => readFileSync(path(name), 'utf8');
  return {
    ca: read('ca.crt'),
    serverCert: read('server.crt'),
    serverKey: read('server.key'),
    clientCert: read('client.crt'),
    clientKey: read('client.key'),
    rotatedClientCert: read('rotated.crt'),
    rotatedClientKey: read('rotated.key'),
  };
}
