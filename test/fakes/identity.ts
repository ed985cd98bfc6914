// Fake AWS identity services on ONE loopback HTTP server, speaking the wire protocols the AWS SDK v3
// credential providers use, so that the helper's real credential chain runs against it:
//
//   STS        POST /  form-encoded AWS Query (Action=AssumeRole | AssumeRoleWithWebIdentity |
//              GetCallerIdentity, Version=2011-06-15), XML answers and XML errors. AssumeRole and
//              GetCallerIdentity must be SigV4-signed for service `sts` (the signature is verified when
//              the signing secret is known: issued here or registered with `knowSecret`);
//              AssumeRoleWithWebIdentity is unsigned and carries WebIdentityToken.
//              Point the SDK at it with AWS_ENDPOINT_URL_STS=<url>.
//   SSO        GET /federation/credentials?role_name=..&account_id=.. with x-amz-sso_bearer_token
//              (restJson1; `{"roleCredentials":{..,"expiration":<epoch ms>}}`). AWS_ENDPOINT_URL_SSO=<url>.
//   container  GET /container-creds (`{"AccessKeyId",..,"Token","Expiration"}`), Authorization checked
//              when `containerAuthorization` is set. AWS_CONTAINER_CREDENTIALS_FULL_URI=<containerUrl>.
//   IMDSv2     PUT /latest/api/token (x-aws-ec2-metadata-token-ttl-seconds), then, with the
//              x-aws-ec2-metadata-token header, GET /latest/meta-data/iam/security-credentials/ (role
//              name) and GET /latest/meta-data/iam/security-credentials/<role>.
//              AWS_EC2_METADATA_SERVICE_ENDPOINT=<url>.
//
// Every call issues fresh random temporary credentials (ASIA...) and remembers every secret it issued
// or was sent (secret keys, session tokens, web identity tokens, SSO access tokens, container
// authorization tokens, IMDS session tokens), so tests can check that none leaks. Per-service call
// counters, a request list, and a list of protocol violations (a test asserts there are none).

import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer, listenOnLoopback, readBody } from './loopback.js';
import { noteSecret } from './secret-ledger.js';

export type IdentityService = 'sts' | 'sso' | 'container' | 'imds';
export const IDENTITY_SERVICES: readonly IdentityService[] = ['sts', 'sso', 'container', 'imds'];

export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** epoch ms */
  expiration: number;
}

export interface IssuedCredentials extends TemporaryCredentials {
  service: IdentityService;
}

export interface IdentityRequest {
  service: IdentityService | 'unknown';
  method: string;
  path: string;
  /** STS only: the Action parameter. */
  action?: string;
  status: number;
  at: number;
}

export interface StsCall {
  action: 'AssumeRole' | 'AssumeRoleWithWebIdentity' | 'GetCallerIdentity';
  /** SigV4 credential scope (signed actions only). */
  signingAccessKeyId?: string;
  region?: string;
  /** True when the signature was checked against a known secret and matched. */
  signatureVerified: boolean;
  /** x-amz-security-token of a signed call (the source credentials' session token). */
  securityToken?: string;
  roleArn?: string;
  roleSessionName?: string;
  externalId?: string;
  durationSeconds?: number;
  webIdentityToken?: string;
  issued?: IssuedCredentials;
}

export interface SsoCall {
  roleName: string;
  accountId: string;
  accessToken: string;
  issued?: IssuedCredentials;
}

export interface ContainerCall {
  authorization: string | undefined;
  issued?: IssuedCredentials;
}

export interface ImdsCall {
  step: 'token' | 'role-name' | 'credentials';
  /** The x-aws-ec2-metadata-token the call carried (or, for `token`, the one issued). */
  token: string | undefined;
  issued?: IssuedCredentials;
}

/** An error answer for every call to one service, in that service's own error format. */
export interface IdentityFailure {
  status: number;
  code: string;
  message: string;
}

const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const SIGV4 = /^AWS4-HMAC-SHA256 Credential=([^/\s]+)\/(\d{8})\/([^/\s]+)\/([^/\s]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;
const IMDS_CREDENTIALS = '/latest/meta-data/iam/security-credentials/';
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

export class FakeIdentityServices {
  readonly requests: IdentityRequest[] = [];
  readonly stsCalls: StsCall[] = [];
  readonly ssoCalls: SsoCall[] = [];
  readonly containerCalls: ContainerCall[] = [];
  readonly imdsCalls: ImdsCall[] = [];
  /** Every set of temporary credentials issued, by any service. */
  readonly issued: IssuedCredentials[] = [];
  /** Requests that broke the protocol (a test asserts there are none). */
  readonly violations: string[] = [];

  /** Lifetime of the credentials issued, in seconds. */
  lifetimeSeconds = 3600;
  /** When set, SSO answers 401 unless x-amz-sso_bearer_token equals it. */
  ssoAccessToken: string | undefined;
  /** When set, the container endpoint answers 401 unless Authorization equals it. */
  containerAuthorization: string | undefined;
  /** The role name instance metadata lists. */
  imdsRoleName = 'ecr-login-test-instance-role';
  /** Answer every call to these services with an error. */
  failures: Partial<Record<IdentityService, IdentityFailure>> = {};

  private server: Server | undefined;
  /** Secrets this fake was sent rather than issued (web identity, SSO, container, IMDS tokens). */
  private readonly received = new Set<string>();
  private readonly imdsTokens = new Set<string>();
  /** access key id -> secret access key, to verify SigV4 signatures. */
  private readonly knownSecrets = new Map<string, string>();

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('fake identity services are not started');
    return `http://127.0.0.1:${address.port}`;
  }

  /** For AWS_CONTAINER_CREDENTIALS_FULL_URI. */
  get containerUrl(): string {
    return `${this.url}/container-creds`;
  }

  /** Calls answered by one service (every request counts, failed ones too). */
  count(service: IdentityService): number {
    return this.requests.filter((r) => r.service === service).length;
  }

  /** Calls to all services: {sts, sso, container, imds}. */
  counts(): Record<IdentityService, number> {
    return Object.fromEntries(IDENTITY_SERVICES.map((s) => [s, this.count(s)])) as Record<IdentityService, number>;
  }

  total(): number {
    return this.requests.length;
  }

  /** Lets SigV4 signatures made with this key be verified (e.g. a source profile's static key). */
  knowSecret(accessKeyId: string, secretAccessKey: string): void {
    this.knownSecrets.set(accessKeyId, secretAccessKey);
    noteSecret('secret key known to the identity fake', secretAccessKey);
  }

  /** Every secret issued or received: secret keys, session tokens and the tokens sent to the fake. */
  secrets(): string[] {
    return [...this.issued.flatMap((c) => [c.secretAccessKey, c.sessionToken]), ...this.received];
  }

  reset(): void {
    for (const list of [this.requests, this.stsCalls, this.ssoCalls, this.containerCalls, this.imdsCalls, this.issued, this.violations]) list.length = 0;
    this.received.clear();
    this.imdsTokens.clear();
    this.knownSecrets.clear();
    this.lifetimeSeconds = 3600;
    this.ssoAccessToken = undefined;
    this.containerAuthorization = undefined;
    this.imdsRoleName = 'ecr-login-test-instance-role';
    this.failures = {};
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await listenOnLoopback(this.server);
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await closeServer(server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake');
    const record = (service: IdentityRequest['service'], status: number, action?: string) =>
      this.requests.push({ service, method: req.method ?? '', path: url.pathname, ...(action ? { action } : {}), status, at: Date.now() });

    if (req.method === 'POST' && url.pathname === '/') return this.sts(req, res, body, record);
    if (url.pathname === '/federation/credentials') return this.sso(req, res, url, record);
    if (url.pathname === '/container-creds') return this.container(req, res, record);
    if (url.pathname.startsWith('/latest/')) return this.imds(req, res, url, record);
    this.violations.push(`unknown request ${req.method} ${req.url}`);
    record('unknown', 404);
    res.writeHead(404).end();
  }

  // ---- STS (AWS Query protocol) ----

  private sts(req: IncomingMessage, res: ServerResponse, body: Buffer, record: (s: IdentityService, status: number, action?: string) => void): void {
    const params = new URLSearchParams(body.toString('utf8'));
    const action = params.get('Action') ?? '';
    const answer = (status: number, xml: string) => {
      record('sts', status, action);
      res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
      res.end(xml);
    };
    const problems: string[] = [];
    if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) problems.push(`content-type ${req.headers['content-type']}`);
    if (params.get('Version') !== '2011-06-15') problems.push(`Version ${params.get('Version')}`);
    if (action !== 'AssumeRole' && action !== 'AssumeRoleWithWebIdentity' && action !== 'GetCallerIdentity') problems.push(`Action ${action}`);

    const call: StsCall = { action: action as StsCall['action'], signatureVerified: false };
    const authorization = req.headers.authorization;
    if (action === 'AssumeRoleWithWebIdentity') {
      if (authorization) problems.push('AssumeRoleWithWebIdentity must be unsigned');
      const token = params.get('WebIdentityToken') ?? '';
      if (!token) problems.push('no WebIdentityToken');
      else this.receive('web identity token', token);
      call.webIdentityToken = token;
    } else {
      const signature = SIGV4.exec(String(authorization ?? ''));
      if (!signature) problems.push(`${action} is not SigV4-signed`);
      else {
        call.signingAccessKeyId = signature[1]!;
        call.region = signature[3]!;
        if (signature[4] !== 'sts') problems.push(`signed for ${signature[4]}, expected sts`);
        if (!req.headers['x-amz-date']) problems.push('no X-Amz-Date');
        const secret = this.knownSecrets.get(signature[1]!);
        if (secret !== undefined) {
          call.signatureVerified = verifySigV4(req, body, secret, signature);
          if (!call.signatureVerified) problems.push(`SigV4 signature does not match the secret of ${signature[1]}`);
        }
      }
      const securityToken = req.headers['x-amz-security-token'];
      if (typeof securityToken === 'string') call.securityToken = securityToken;
    }
    if (action === 'AssumeRole' || action === 'AssumeRoleWithWebIdentity') {
      call.roleArn = params.get('RoleArn') ?? undefined;
      call.roleSessionName = params.get('RoleSessionName') ?? undefined;
      call.externalId = params.get('ExternalId') ?? undefined;
      const duration = params.get('DurationSeconds');
      if (duration !== null) call.durationSeconds = Number(duration);
      if (!call.roleArn || !ROLE_ARN.test(call.roleArn)) problems.push(`RoleArn ${call.roleArn}`);
      if (!call.roleSessionName || !SESSION_NAME.test(call.roleSessionName)) problems.push(`RoleSessionName ${call.roleSessionName}`);
    }
    this.stsCalls.push(call);
    if (problems.length > 0) {
      this.violations.push(`sts: ${problems.join('; ')}`);
      return answer(400, stsError('Sender', 'ValidationError', problems.join('; ')));
    }
    const failure = this.failures.sts;
    if (failure) return answer(failure.status, stsError(failure.status >= 500 ? 'Receiver' : 'Sender', failure.code, failure.message));

    const requestId = `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>`;
    if (action === 'GetCallerIdentity') {
      const result = `<Arn>arn:aws:iam::123456789012:user/fake</Arn><UserId>${call.signingAccessKeyId}</UserId><Account>123456789012</Account>`;
      return answer(200, `<GetCallerIdentityResponse xmlns="${STS_NS}"><GetCallerIdentityResult>${result}</GetCallerIdentityResult>${requestId}</GetCallerIdentityResponse>`);
    }
    const issued = this.issue('sts');
    call.issued = issued;
    const [, account, roleName] = ROLE_ARN.exec(call.roleArn!)!;
    const assumedRoleUser = `<AssumedRoleUser><AssumedRoleId>AROA${randomId(17)}:${call.roleSessionName}</AssumedRoleId><Arn>arn:aws:sts::${account}:assumed-role/${roleName}/${call.roleSessionName}</Arn></AssumedRoleUser>`;
    const credentials = `<Credentials><AccessKeyId>${issued.accessKeyId}</AccessKeyId><SecretAccessKey>${issued.secretAccessKey}</SecretAccessKey><SessionToken>${issued.sessionToken}</SessionToken><Expiration>${isoSeconds(issued.expiration)}</Expiration></Credentials>`;
    if (action === 'AssumeRole') {
      return answer(200, `<AssumeRoleResponse xmlns="${STS_NS}"><AssumeRoleResult>${credentials}${assumedRoleUser}<PackedPolicySize>6</PackedPolicySize></AssumeRoleResult>${requestId}</AssumeRoleResponse>`);
    }
    const web = `<SubjectFromWebIdentityToken>system:serviceaccount:default:ecr-login</SubjectFromWebIdentityToken><Audience>sts.amazonaws.com</Audience>${assumedRoleUser}${credentials}<Provider>oidc.eks.us-west-2.amazonaws.com/id/FAKE</Provider>`;
    return answer(200, `<AssumeRoleWithWebIdentityResponse xmlns="${STS_NS}"><AssumeRoleWithWebIdentityResult>${web}</AssumeRoleWithWebIdentityResult>${requestId}</AssumeRoleWithWebIdentityResponse>`);
  }

  // ---- SSO portal (restJson1) ----

  private sso(req: IncomingMessage, res: ServerResponse, url: URL, record: (s: IdentityService, status: number) => void): void {
    const answer = (status: number, body: unknown, errorType?: string) => {
      record('sso', status);
      res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID(), ...(errorType ? { 'x-amzn-errortype': errorType } : {}) });
      res.end(JSON.stringify(body));
    };
    const roleName = url.searchParams.get('role_name') ?? '';
    const accountId = url.searchParams.get('account_id') ?? '';
    const header = req.headers['x-amz-sso_bearer_token'];
    const accessToken = typeof header === 'string' ? header : '';
    if (accessToken) this.receive('SSO access token', accessToken);
    const call: SsoCall = { roleName, accountId, accessToken };
    this.ssoCalls.push(call);
    const problems: string[] = [];
    if (req.method !== 'GET') problems.push(`method ${req.method}`);
    if (!roleName) problems.push('no role_name');
    if (!/^\d{12}$/.test(accountId)) problems.push(`account_id ${accountId}`);
    if (!accessToken) problems.push('no x-amz-sso_bearer_token');
    if (req.headers.authorization) problems.push('GetRoleCredentials must be unsigned');
    if (problems.length > 0) {
      this.violations.push(`sso: ${problems.join('; ')}`);
      return answer(400, { message: problems.join('; ') }, 'InvalidRequestException');
    }
    const failure = this.failures.sso;
    if (failure) return answer(failure.status, { message: failure.message }, failure.code);
    if (this.ssoAccessToken !== undefined && accessToken !== this.ssoAccessToken) return answer(401, { message: 'Session token not found or invalid' }, 'UnauthorizedException');
    const issued = this.issue('sso');
    call.issued = issued;
    answer(200, { roleCredentials: { accessKeyId: issued.accessKeyId, secretAccessKey: issued.secretAccessKey, sessionToken: issued.sessionToken, expiration: issued.expiration } });
  }

  // ---- container credentials (ECS/EKS/Greengrass) ----

  private container(req: IncomingMessage, res: ServerResponse, record: (s: IdentityService, status: number) => void): void {
    const answer = (status: number, body: unknown) => {
      record('container', status);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const authorization = typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined;
    if (authorization) this.receive('container authorization token', authorization);
    const call: ContainerCall = { authorization };
    this.containerCalls.push(call);
    if (req.method !== 'GET') {
      this.violations.push(`container: method ${req.method}`);
      return answer(405, { Code: 'MethodNotAllowed', Message: 'GET only' });
    }
    const failure = this.failures.container;
    if (failure) return answer(failure.status, { Code: failure.code, Message: failure.message });
    if (this.containerAuthorization !== undefined && authorization !== this.containerAuthorization) {
      return answer(401, { Code: 'AccessDenied', Message: 'Authorization header is missing or invalid' });
    }
    const issued = this.issue('container');
    call.issued = issued;
    answer(200, { AccessKeyId: issued.accessKeyId, SecretAccessKey: issued.secretAccessKey, Token: issued.sessionToken, Expiration: isoSeconds(issued.expiration), RoleArn: 'arn:aws:iam::123456789012:role/ecr-login-test-task-role' });
  }

  // ---- EC2 instance metadata (IMDSv2) ----

  private imds(req: IncomingMessage, res: ServerResponse, url: URL, record: (s: IdentityService, status: number) => void): void {
    const answer = (status: number, body: string, type = 'text/plain') => {
      record('imds', status);
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    const header = req.headers['x-aws-ec2-metadata-token'];
    const token = typeof header === 'string' ? header : undefined;
    if (url.pathname === '/latest/api/token') {
      const ttl = Number(req.headers['x-aws-ec2-metadata-token-ttl-seconds']);
      if (req.method !== 'PUT') {
        this.violations.push(`imds: ${req.method} /latest/api/token`);
        return answer(405, '');
      }
      if (!Number.isInteger(ttl) || ttl < 1 || ttl > 21600) {
        this.violations.push(`imds: token TTL ${req.headers['x-aws-ec2-metadata-token-ttl-seconds']}`);
        return answer(400, '');
      }
      const failure = this.failures.imds;
      if (failure) return answer(failure.status, failure.message);
      const issuedToken = randomBytes(42).toString('base64url');
      this.imdsTokens.add(issuedToken);
      this.receive('IMDS session token', issuedToken);
      this.imdsCalls.push({ step: 'token', token: issuedToken });
      return answer(200, issuedToken);
    }
    const step: ImdsCall['step'] = url.pathname === IMDS_CREDENTIALS ? 'role-name' : 'credentials';
    const call: ImdsCall = { step, token };
    this.imdsCalls.push(call);
    if (req.method !== 'GET' || !url.pathname.startsWith(IMDS_CREDENTIALS)) {
      this.violations.push(`imds: ${req.method} ${url.pathname}`);
      return answer(404, '');
    }
    if (token === undefined || !this.imdsTokens.has(token)) {
      this.violations.push(`imds: ${step} without a valid IMDSv2 token (IMDSv1 fallback)`);
      return answer(401, '');
    }
    const failure = this.failures.imds;
    if (failure) return answer(failure.status, failure.message);
    if (step === 'role-name') return answer(200, this.imdsRoleName);
    if (url.pathname !== `${IMDS_CREDENTIALS}${this.imdsRoleName}`) return answer(404, '');
    const issued = this.issue('imds');
    call.issued = issued;
    const now = isoSeconds(Date.now());
    const body = { Code: 'Success', LastUpdated: now, Type: 'AWS-HMAC', AccessKeyId: issued.accessKeyId, SecretAccessKey: issued.secretAccessKey, Token: issued.sessionToken, Expiration: isoSeconds(issued.expiration) };
    answer(200, JSON.stringify(body, null, 2), 'application/json');
  }

  private receive(kind: string, secret: string): void {
    this.received.add(secret);
    noteSecret(kind, secret);
  }

  private issue(service: IdentityService): IssuedCredentials {
    const credentials: IssuedCredentials = {
      service,
      accessKeyId: `ASIA${randomId(16)}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: `FwoGZXIvYXdzE${randomBytes(120).toString('base64')}`,
      expiration: Math.floor(Date.now() / 1000 + this.lifetimeSeconds) * 1000,
    };
    this.issued.push(credentials);
    this.knownSecrets.set(credentials.accessKeyId, credentials.secretAccessKey);
    noteSecret(`${service} secret key`, credentials.secretAccessKey);
    noteSecret(`${service} session token`, credentials.sessionToken);
    return credentials;
  }
}

function stsError(type: 'Sender' | 'Receiver', code: string, message: string): string {
  return `<ErrorResponse xmlns="${STS_NS}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
}

/** Recomputes a SigV4 signature (header form) over the request as received. */
function verifySigV4(req: IncomingMessage, body: Buffer, secret: string, signature: RegExpExecArray): boolean {
  const [, , date, region, service, signedHeaders, expected] = signature as unknown as [string, string, string, string, string, string, string];
  const url = new URL(req.url ?? '/', 'http://fake');
  const query = [...url.searchParams]
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const headers = signedHeaders
    .split(';')
    .map((name) => {
      const value = req.headers[name];
      return `${name}:${(Array.isArray(value) ? value.join(',') : String(value ?? '')).trim().replace(/\s+/g, ' ')}\n`;
    })
    .join('');
  const contentHash = req.headers['x-amz-content-sha256'];
  const payloadHash = typeof contentHash === 'string' ? contentHash : sha256Hex(body);
  const canonical = [req.method, url.pathname, query, headers, signedHeaders, payloadHash].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', String(req.headers['x-amz-date']), `${date}/${region}/${service}/aws4_request`, sha256Hex(canonical)].join('\n');
  let key: Buffer = hmac(`AWS4${secret}`, date);
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
  return hmac(key, stringToSign).toString('hex') === expected;
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** 2026-11-22T21:40:00Z: the form STS, ECS and IMDS write. */
function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function randomId(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return [...randomBytes(length)].map((b) => alphabet[b % 32]).join('');
}
