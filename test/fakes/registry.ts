// A real container registry for the end-to-end tests: the distribution registry (Debian's
// `docker-registry`) on 127.0.0.1 with TLS from a test CA and htpasswd (bcrypt) basic auth, storing
// blobs in a temporary directory. It is a child process, killed by stop().

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import type { TestCa } from './test-ca.js';

/** Fails with a clear message when a tool the end-to-end tests need is not installed. */
export function requireTools(tools: Record<string, string>): void {
  const missing = Object.entries(tools).filter(([command]) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command]).status !== 0);
  if (missing.length > 0) {
    throw new Error(`the end-to-end tests need ${missing.map(([command, pkg]) => `${command} (${pkg})`).join(', ')} on PATH; CI installs them in .ci/run`);
  }
}

/** A port of 127.0.0.1 that was free a moment ago (listened on with port 0, then closed). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A bcrypt htpasswd line for user:password (the registry accepts bcrypt only). */
export function htpasswdLine(user: string, password: string): string {
  const run = spawnSync('htpasswd', ['-B', '-i', '-n', user], { input: password, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`htpasswd failed: ${run.stderr}`);
  return run.stdout.trim() + '\n';
}

export interface RegistryOptions {
  /** A private directory for config.yml, the htpasswd file, the certificate, the storage and the log. */
  dir: string;
  ca: TestCa;
  user: string;
  password: string;
  /** The port to listen on (from freePort(), when clients must know the host first); else a free one. */
  port?: number;
}

export class LocalRegistry {
  private child: ChildProcess | undefined;
  private exited: string | undefined;
  readonly htpasswdFile: string;
  readonly logFile: string;

  private constructor(
    private readonly options: RegistryOptions,
    readonly port: number,
  ) {
    this.htpasswdFile = join(options.dir, 'htpasswd');
    this.logFile = join(options.dir, 'registry.log');
  }

  /** host:port, as clients name the registry (and as credHelpers keys it). */
  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Writes the configuration, starts `docker-registry serve` and waits until it accepts connections. */
  static async start(options: RegistryOptions): Promise<LocalRegistry> {
    const registry = new LocalRegistry(options, options.port ?? (await freePort()));
    await registry.launch();
    return registry;
  }

  /** Replaces the user's password; the registry re-reads the htpasswd file when it changes. */
  setPassword(password: string): void {
    const temporary = `${this.htpasswdFile}.new`;
    writeFileSync(temporary, htpasswdLine(this.options.user, password), { mode: 0o600 });
    renameSync(temporary, this.htpasswdFile);
  }

  /** The HTTP status of GET /v2/ with these basic credentials (or none): 200 or 401. */
  status(credentials?: { username: string; password: string }, path = '/v2/'): Promise<number> {
    const headers: Record<string, string> = {};
    if (credentials) headers.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: this.port, path, headers, ca: this.options.ca.caCertPem }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
  }

  log(): string {
    try {
      return readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || this.exited !== undefined) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await gone;
    clearTimeout(timer);
  }

  private async launch(): Promise<void> {
    const { dir, ca } = this.options;
    const file = (name: string) => join(dir, name);
    mkdirSync(file('storage'), { recursive: true });
    writeFileSync(file('server.pem'), ca.serverCertPem);
    writeFileSync(file('server.key'), ca.serverKeyPem, { mode: 0o600 });
    this.setPassword(this.options.password);
    writeFileSync(
      file('config.yml'),
      [
        'version: 0.1',
        'log:',
        '  level: info',
        '  accesslog:',
        '    disabled: false',
        'storage:',
        '  filesystem:',
        `    rootdirectory: ${file('storage')}`,
        'http:',
        `  addr: 127.0.0.1:${this.port}`,
        '  tls:',
        `    certificate: ${file('server.pem')}`,
        `    key: ${file('server.key')}`,
        'auth:',
        '  htpasswd:',
        '    realm: ecr-login-e2e',
        `    path: ${this.htpasswdFile}`,
        '',
      ].join('\n'),
    );
    const log = openSync(this.logFile, 'a');
    // No environment from the developer's machine: in particular no proxy variables.
    this.child = spawn('docker-registry', ['serve', file('config.yml')], { stdio: ['ignore', log, log], env: { PATH: process.env.PATH, HOME: dir } });
    closeSync(log);
    this.child.on('exit', (code, signal) => (this.exited = `exit code ${code}, signal ${signal}`));
    this.child.on('error', (error) => (this.exited = error.message));
    const deadline = Date.now() + 10_000;
    while (!(await this.accepts())) {
      if (this.exited !== undefined) throw new Error(`docker-registry exited (${this.exited}):\n${this.log()}`);
      if (Date.now() > deadline) throw new Error(`docker-registry did not listen on ${this.host} within 10 s:\n${this.log()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private accepts(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port: this.port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  }
}
