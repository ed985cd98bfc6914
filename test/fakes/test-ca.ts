// A private certificate authority for tests, made with the openssl CLI: a CA certificate and one
// server certificate for the given DNS names (or IPv4 addresses, such as 127.0.0.1), so that TLS
// clients (the Go helper, a proxied SDK, skopeo and docker) can be pointed at loopback fakes under
// real AWS hostnames, or at a loopback registry by its address.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCa {
  /** PEM of the CA certificate: what a client must trust (SSL_CERT_FILE, AWS_CA_BUNDLE). */
  caCertPem: string;
  caCertFile: string;
  serverKeyPem: string;
  serverCertPem: string;
  remove(): void;
}

/** `dnsNames`: DNS names, or IPv4 addresses (which become IP subject alternative names). */
export function createTestCa(dnsNames: string[]): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'ecr-login-ca-'));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=ecr-login test CA', '-keyout', file('ca.key'), '-out', file('ca.pem'), '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${dnsNames[0]}`, '-keyout', file('server.key'), '-out', file('server.csr'));
  writeFileSync(file('server.ext'), `subjectAltName=${dnsNames.map((n) => (/^[0-9.]+$/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',')}\nextendedKeyUsage=serverAuth\n`);
  openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', file('server.ext'), '-out', file('server.pem'));
  return {
    caCertPem: readFileSync(file('ca.pem'), 'utf8'),
    caCertFile: file('ca.pem'),
    serverKeyPem: readFileSync(file('server.key'), 'utf8'),
    serverCertPem: readFileSync(file('server.pem'), 'utf8'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
