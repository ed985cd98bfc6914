// A stand-in for the Docker daemon's API on 127.0.0.1 (the CLI reaches it with
// DOCKER_HOST=tcp://127.0.0.1:<port>), answering only what the Docker 28 CLI needs for the
// commands whose credentials come from the client side:
//   HEAD|GET /_ping                    version negotiation
//   POST /v1.xx/auth                   `docker login HOST` without -u: the credentials the CLI got from
//                                      the credential helper; checked by `authenticate`, as a daemon
//                                      checks them against the registry
//   POST /v1.xx/build                  classic `docker build` (DOCKER_BUILDKIT=0): the X-Registry-Config
//                                      header, every credential the CLI could collect
//   POST /v1.xx/images/create          `docker pull`: the X-Registry-Auth header for that registry
// Everything it receives is recorded. Nothing else is implemented (404).

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer, listenOnLoopback, readBody } from './loopback.js';

/** The API version this stand-in claims; the CLI then prefixes its paths with /v1.49. */
export const API_VERSION = '1.49';

export interface AuthConfig {
  username?: string;
  password?: string;
  auth?: string;
  serveraddress?: string;
  identitytoken?: string;
  registrytoken?: string;
}

export interface DaemonRequest {
  method: string;
  /** The path without the /v1.xx prefix, and without the query. */
  path: string;
  query: URLSearchParams;
  userAgent: string;
  /** POST /auth: the JSON body. */
  auth?: AuthConfig;
  /** POST /build: the decoded X-Registry-Config header (server address -> credentials). */
  registryConfig?: Record<string, AuthConfig>;
  /** POST /images/create: the decoded X-Registry-Auth header. */
  registryAuth?: AuthConfig;
}

/** Answers a login as the daemon would after trying the credentials on the registry. */
export type Authenticate = (auth: AuthConfig) => Promise<boolean>;

export class DockerDaemonStandIn {
  readonly requests: DaemonRequest[] = [];
  private server: Server | undefined;

  constructor(private readonly authenticate: Authenticate) {}

  /** DOCKER_HOST for the CLI. */
  get dockerHost(): string {
    return `tcp://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: Error) => json(res, 500, { message: `daemon stand-in: ${error.message}` }));
    });
    await listenOnLoopback(this.server);
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await closeServer(server);
  }

  /** Requests other than /_ping. */
  calls(): DaemonRequest[] {
    return this.requests.filter((r) => r.path !== '/_ping');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://daemon');
    const path = url.pathname.replace(/^\/v[0-9.]+(?=\/)/, '');
    const body = await readBody(req);
    const recorded: DaemonRequest = { method: req.method ?? '', path, query: url.searchParams, userAgent: String(req.headers['user-agent'] ?? '') };
    this.requests.push(recorded);

    if (path === '/_ping') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'api-version': API_VERSION, ostype: 'linux', 'builder-version': '1', 'docker-experimental': 'false' });
      return void res.end(req.method === 'HEAD' ? undefined : 'OK');
    }
    if (req.method === 'POST' && path === '/auth') {
      recorded.auth = JSON.parse(body.toString('utf8')) as AuthConfig;
      if (await this.authenticate(recorded.auth)) return json(res, 200, { Status: 'Login Succeeded', IdentityToken: '' });
      return json(res, 401, { message: `login attempt to https://${recorded.auth.serveraddress}/v2/ failed with status: 401 Unauthorized` });
    }
    if (req.method === 'POST' && path === '/build') {
      recorded.registryConfig = decodeHeader(req.headers['x-registry-config']) as Record<string, AuthConfig> | undefined;
      return jsonStream(res, [
        { stream: 'Step 1/1 : FROM scratch\n' },
        { stream: ' ---> \n' },
        { aux: { ID: 'sha256:0000000000000000000000000000000000000000000000000000000000000000' } },
        { stream: 'Successfully built 000000000000\n' },
      ]);
    }
    if (req.method === 'POST' && path === '/images/create') {
      recorded.registryAuth = decodeHeader(req.headers['x-registry-auth']) as AuthConfig | undefined;
      if (!recorded.registryAuth || !(await this.authenticate(recorded.registryAuth))) {
        return jsonStream(res, [{ errorDetail: { message: 'unauthorized: authentication required' }, error: 'unauthorized: authentication required' }]);
      }
      const image = `${url.searchParams.get('fromImage')}:${url.searchParams.get('tag')}`;
      return jsonStream(res, [{ status: `Pulling from ${image}` }, { status: `Status: Image is up to date for ${image}` }]);
    }
    json(res, 404, { message: `${req.method} ${url.pathname} is not implemented by the test's daemon stand-in` });
  }
}

/** X-Registry-Auth / X-Registry-Config: base64url (or standard base64) of JSON. */
function decodeHeader(value: string | string[] | undefined): unknown {
  if (typeof value !== 'string' || value === '') return undefined;
  return JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'api-version': API_VERSION });
  res.end(`${JSON.stringify(body)}\n`);
}

function jsonStream(res: ServerResponse, messages: unknown[]): void {
  res.writeHead(200, { 'content-type': 'application/json', 'api-version': API_VERSION });
  res.end(messages.map((m) => `${JSON.stringify(m)}\r\n`).join(''));
}
