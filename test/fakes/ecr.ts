// A fake ECR and ECR Public API on 127.0.0.1, speaking the real wire protocol (AWS JSON 1.1 with
// X-Amz-Target, SigV4-signed requests, `{"__type":..,"message":..}` error bodies), so that the
// helper's real AWS SDK code path runs against it. It counts calls and can throttle, fail, delay
// and return malformed answers. Used by the tests, the demo and the benchmark.

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { closeServer, listenOnLoopback, readBody } from './loopback.js';
import { noteSecret } from './secret-ledger.js';

export const PRIVATE_TARGET = 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken';
export const PUBLIC_TARGET = 'SpencerFrontendService.GetAuthorizationToken';

export interface Call {
  target: string;
  /** From the SigV4 credential scope. */
  region: string;
  service: string;
  accessKeyId: string;
  body: unknown;
  at: number;
}

export interface Failure {
  status: number;
  type: string;
  message: string;
}

export interface Behaviour {
  /** Milliseconds to wait before answering. */
  delayMs: number;
  /** Answer every call with this error. */
  fail: Failure | undefined;
  /**
   * Token bucket: at most `burst` calls at once, refilled at `perSecond`; beyond it ThrottlingException.
   * One bucket for all calls, or with `perRegion` one per signing region (as ECR throttles per account and region).
   */
  throttle: { perSecond: number; burst: number; perRegion?: boolean } | undefined;
  /** Token lifetime from now, in seconds. */
  lifetimeSeconds: number;
  /** How expiresAt is written in the JSON: 1795397070, 1795397070.123 or 1.795397070E9. */
  expiresAtStyle: 'integer' | 'fractional' | 'exponent';
  /** Replace the whole 200 body (malformed answers). */
  rawBody: string | undefined;
}

export const DEFAULT_BEHAVIOUR: Behaviour = {
  delayMs: 0,
  fail: undefined,
  throttle: undefined,
  lifetimeSeconds: 12 * 3600,
  expiresAtStyle: 'integer',
  rawBody: undefined,
};

/** Every password this fake has issued, to check that none leaks into logs or errors. */
export interface Issued {
  password: string;
  authorizationToken: string;
}

const SIGV4 = /^AWS4-HMAC-SHA256 Credential=([^/\s]+)\/(\d{8})\/([^/\s]+)\/([^/\s]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

export class FakeEcr {
  readonly calls: Call[] = [];
  /** Requests that broke the protocol (a test asserts there are none). */
  readonly violations: string[] = [];
  readonly issued: Issued[] = [];
  behaviour: Behaviour = { ...DEFAULT_BEHAVIOUR };
  private server: Server | undefined;
  private buckets = new Map<string, { tokens: number; at: number }>();

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('fake ECR is not started');
    return `http://127.0.0.1:${address.port}`;
  }

  /** Calls to the private ECR API, optionally for one region. */
  privateCalls(region?: string): Call[] {
    return this.calls.filter((c) => c.target === PRIVATE_TARGET && (region === undefined || c.region === region));
  }

  publicCalls(): Call[] {
    return this.calls.filter((c) => c.target === PUBLIC_TARGET);
  }

  set(changes: Partial<Behaviour>): void {
    this.behaviour = { ...this.behaviour, ...changes };
    if (changes.throttle) this.buckets.clear(); // each bucket starts full
  }

  reset(): void {
    this.calls.length = 0;
    this.violations.length = 0;
    this.behaviour = { ...DEFAULT_BEHAVIOUR };
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await listenOnLoopback(this.server);
    return this;
  }

  /** Serves a connection that arrived elsewhere (a TLS tunnel from the CONNECT proxy). */
  acceptConnection(socket: Socket): void {
    this.server!.emit('connection', socket);
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await closeServer(server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = (await readBody(req)).toString('utf8');
    const target = String(req.headers['x-amz-target'] ?? '');
    const signature = SIGV4.exec(String(req.headers.authorization ?? ''));

    const problems: string[] = [];
    if (req.method !== 'POST' || req.url !== '/') problems.push(`${req.method} ${req.url}`);
    if (req.headers['content-type'] !== 'application/x-amz-json-1.1') problems.push(`content-type ${req.headers['content-type']}`);
    if (target !== PRIVATE_TARGET && target !== PUBLIC_TARGET) problems.push(`target ${target}`);
    if (!signature) problems.push('no SigV4 Authorization header');
    if (!req.headers['x-amz-date']) problems.push('no X-Amz-Date');
    const expectedService = target === PUBLIC_TARGET ? 'ecr-public' : 'ecr';
    if (signature && signature[4] !== expectedService) problems.push(`signed for ${signature[4]}, expected ${expectedService}`);
    if (signature && target === PUBLIC_TARGET && signature[3] !== 'us-east-1') problems.push(`ECR Public signed for ${signature[3]}`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      problems.push('body is not JSON');
    }
    if (problems.length > 0) {
      this.violations.push(problems.join('; '));
      return this.send(res, 400, { __type: 'SerializationException', message: problems.join('; ') });
    }

    this.calls.push({ target, region: signature![3]!, service: signature![4]!, accessKeyId: signature![1]!, body, at: Date.now() });
    const b = this.behaviour;
    if (b.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, b.delayMs));
    if (b.fail) return this.send(res, b.fail.status, { __type: b.fail.type, message: b.fail.message });
    if (b.throttle && !this.takeThrottleToken(b.throttle, signature![3]!)) return this.send(res, 400, { __type: 'ThrottlingException', message: 'Rate exceeded' });
    if (b.rawBody !== undefined) return this.sendRaw(res, 200, b.rawBody);

    const password = `fake-password-${randomBytes(24).toString('hex')}`;
    const authorizationToken = Buffer.from(`AWS:${password}`).toString('base64');
    this.issued.push({ password, authorizationToken });
    noteSecret('ECR password', password);
    noteSecret('ECR authorization token', authorizationToken);
    const expiresAt = formatEpoch(Date.now() / 1000 + b.lifetimeSeconds, b.expiresAtStyle);
    const account = ((body as { registryIds?: string[] }).registryIds ?? [])[0] ?? '123456789012';
    const data =
      target === PUBLIC_TARGET
        ? `{"authorizationData":{"authorizationToken":"${authorizationToken}","expiresAt":${expiresAt}}}`
        : `{"authorizationData":[{"authorizationToken":"${authorizationToken}","expiresAt":${expiresAt},"proxyEndpoint":"https://${account}.dkr.ecr.${signature![3]}.amazonaws.com"}]}`;
    this.sendRaw(res, 200, data);
  }

  private takeThrottleToken(limit: NonNullable<Behaviour['throttle']>, region: string): boolean {
    const now = Date.now();
    const key = limit.perRegion ? region : '';
    const bucket = this.buckets.get(key) ?? { tokens: limit.burst, at: now };
    this.buckets.set(key, bucket);
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * limit.perSecond);
    bucket.at = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    this.sendRaw(res, status, JSON.stringify(body));
  }

  private sendRaw(res: ServerResponse, status: number, body: string): void {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomBytes(16).toString('hex') });
    res.end(body);
  }
}

function formatEpoch(seconds: number, style: Behaviour['expiresAtStyle']): string {
  if (style === 'integer') return String(Math.floor(seconds));
  if (style === 'fractional') return seconds.toFixed(3);
  return `${(Math.floor(seconds) / 1e9).toFixed(10)}E9`; // e.g. 1.7953970700E9, as ECR sometimes writes it
}
