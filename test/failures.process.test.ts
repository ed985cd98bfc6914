// What a user reads when getting a token fails: one line on stdout, exit 1, no stack trace, no secret.

import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { FakeEcr } from './fakes/ecr.js';
import { runHelper, Sandbox, type Env, useFakeEcrSandbox } from './helpers/helper-process.js';

const HOST = '123456789012.dkr.ecr.us-west-2.amazonaws.com';

let fake: FakeEcr;
let box: Sandbox;
let env: Env;
useFakeEcrSandbox((s) => ({ fake, box, env } = s));

function expectOneCleanLine(run: { code: number | null; stdout: string; stderr: string }, pattern: RegExp) {
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(pattern);
  expect(run.stdout.split('\n')).toHaveLength(2);
  expect(run.stdout + run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(run.stdout + run.stderr).not.toContain(env.AWS_SECRET_ACCESS_KEY);
  expect(run.stdout + run.stderr).not.toContain(env.AWS_ACCESS_KEY_ID);
}

describe('private ECR failures', () => {
  it('access denied: quotes AWS and names the missing permission', async () => {
    fake.set({ fail: { status: 400, type: 'AccessDeniedException', message: 'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecr:GetAuthorizationToken on resource: *' } });
    const run = await runHelper(['get'], HOST, env);
    expectOneCleanLine(run, /^access denied by ECR in us-west-2: User: arn:aws:iam::123456789012:user\/ci is not authorized to perform: ecr:GetAuthorizationToken on resource: \*; the principal needs ecr:GetAuthorizationToken\n$/);
  });

  it('invalid credentials: says AWS rejected them and where they came from', async () => {
    fake.set({ fail: { status: 400, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' } });
    const run = await runHelper(['get'], HOST, env);
    expectOneCleanLine(run, /^AWS rejected the credentials from environment variables AWS_ACCESS_KEY_ID\/AWS_SECRET_ACCESS_KEY \(UnrecognizedClientException: The security token included in the request is invalid\.\); refresh or replace them\n$/);
  });

  it('expired session token', async () => {
    fake.set({ fail: { status: 400, type: 'ExpiredTokenException', message: 'The security token included in the request is expired' } });
    expectOneCleanLine(await runHelper(['get'], HOST, env), /^AWS rejected the credentials .*ExpiredTokenException/);
  });

  it('throttled after the SDK retries', async () => {
    fake.set({ fail: { status: 400, type: 'ThrottlingException', message: 'Rate exceeded' } });
    const run = await runHelper(['get'], HOST, env);
    expectOneCleanLine(run, /^ECR in us-west-2 throttled GetAuthorizationToken after 3 attempts; try again in a few seconds\n$/);
    expect(fake.privateCalls()).toHaveLength(3);
  });

  it('server errors after retries', async () => {
    fake.set({ fail: { status: 503, type: 'ServiceUnavailableException', message: 'down' } });
    expectOneCleanLine(await runHelper(['get'], HOST, env), /^ECR in us-west-2 failed \(ServiceUnavailableException: down\) after 3 attempts; try again shortly\n$/);
  });

  it('no credentials at all: says what to set', async () => {
    const { AWS_ACCESS_KEY_ID: _a, AWS_SECRET_ACCESS_KEY: _s, ...noKeys } = env;
    const run = await runHelper(['get'], HOST, noKeys);
    expect(run.stdout).toBe(
      `no AWS credentials for 123456789012.dkr.ecr.us-west-2.amazonaws.com: none found in environment variables (AWS_ACCESS_KEY_ID), profile "default" in ${env.AWS_CONFIG_FILE} and ${env.AWS_SHARED_CREDENTIALS_FILE}, ` +
        'web identity (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN), container credentials (AWS_CONTAINER_CREDENTIALS_*), instance metadata (disabled by AWS_EC2_METADATA_DISABLED); ' +
        'set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run "aws configure"\n',
    );
    expectOneCleanLine(run, /^no AWS credentials/);
    expect(fake.calls).toHaveLength(0);
  });

  it('off EC2, a silent instance-metadata endpoint costs about a second, not the whole deadline', async () => {
    // A black hole like 169.254.169.254 off EC2: connections are accepted and never answered.
    const sockets = new Set<import('node:net').Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const { AWS_ACCESS_KEY_ID: _a, AWS_SECRET_ACCESS_KEY: _s, AWS_EC2_METADATA_DISABLED: _d, ...noKeys } = env;
      const imds = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
      const run = await runHelper(['get'], HOST, { ...noKeys, AWS_EC2_METADATA_SERVICE_ENDPOINT: imds, AWS_ECR_TIMEOUT: '15' });
      expectOneCleanLine(run, /^no AWS credentials for 123456789012\.dkr\.ecr\.us-west-2\.amazonaws\.com: none found in .*instance metadata; set AWS_PROFILE/);
      expect(run.ms).toBeLessThan(1_800); // ~1 s of probing plus starting the process
      expect(fake.calls).toHaveLength(0);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  it('network unreachable: names the endpoint host', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const run = await runHelper(['get'], HOST, { ...env, AWS_ENDPOINT_URL_ECR: `http://127.0.0.1:${port}` });
    expectOneCleanLine(run, /^cannot reach 127\.0\.0\.1 \(ECONNREFUSED\); check the network, proxy settings and AWS_ENDPOINT_URL_\* variables\n$/);
  });

  it('a hanging ECR: gives up at AWS_ECR_TIMEOUT and says so', async () => {
    fake.set({ delayMs: 5_000 });
    const run = await runHelper(['get'], HOST, { ...env, AWS_ECR_TIMEOUT: '1' });
    expectOneCleanLine(run, /^timed out after 1s getting a token from 127\.0\.0\.1; check the network or proxy, or raise AWS_ECR_TIMEOUT\n$/);
    expect(run.ms).toBeLessThan(4_000);
  });

  it.each([
    ['malformed JSON', '{"authorizationData":[{"authorizationToken":'],
    ['an empty authorizationData', '{"authorizationData":[]}'],
    ['a token without a colon', `{"authorizationData":[{"authorizationToken":"${Buffer.from('AWSnocolon').toString('base64')}","expiresAt":1895397070}]}`],
    ['a non-numeric expiresAt', `{"authorizationData":[{"authorizationToken":"${Buffer.from('AWS:pw').toString('base64')}","expiresAt":"soon"}]}`],
  ])('an answer with %s is an error and caches nothing', async (_label, rawBody) => {
    fake.set({ rawBody });
    const run = await runHelper(['get'], HOST, env);
    expectOneCleanLine(run, /^ECR/);
    fake.set({ rawBody: undefined });
    expect((await runHelper(['get'], HOST, env)).code).toBe(0);
  });
});

describe('ECR Public failures', () => {
  it('fall back to anonymous access: not found on stdout, one warning on stderr', async () => {
    fake.set({ fail: { status: 400, type: 'AccessDeniedException', message: 'not allowed' } });
    const run = await runHelper(['get'], 'public.ecr.aws', env);
    expect(run).toMatchObject({ code: 1, stdout: 'credentials not found in native keychain\n' });
    expect(run.stderr).toBe(
      'docker-credential-ecr-login: warning: no ECR Public token (access denied by ECR Public in us-east-1: not allowed; the principal needs ecr-public:GetAuthorizationToken and sts:GetServiceBearerToken); public.ecr.aws will be used anonymously\n',
    );
  });
});
