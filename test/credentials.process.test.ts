// Every credential source of the AWS SDK's default chain, through the built executable, against fakes
// on 127.0.0.1 that speak the real protocols (STS Query/XML, the SSO portal, container credentials,
// IMDSv2, ECR). For each source: a cold get is signed with the credentials that source yields, a
// second get is a cache hit that calls nothing (ECR or identity fakes), and the cache key changes
// exactly when the source does. No secret the fakes issued or received may appear on stdout, stderr
// or in the debug log.
//
// Every AWS endpoint is overridden in every environment (ECR, ECR Public, STS, SSO, SSO OIDC, any
// other service via AWS_ENDPOINT_URL, instance metadata), so no request can leave the machine; the
// identity fake records any request it does not recognise as a violation.

import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeEcr } from './fakes/ecr.js';
import { FakeIdentityServices } from './fakes/identity.js';
import { runHelper, Sandbox, type Env, type Run } from './helpers/helper-process.js';

const HOST = '123456789012.dkr.ecr.us-west-2.amazonaws.com';
const LOG = 'docker-credential-ecr-login.log';
const ROLE = 'arn:aws:iam::123456789012:role/ecr-pull';
const OTHER_ROLE = 'arn:aws:iam::123456789012:role/ecr-push';

let ecr: FakeEcr;
let ids: FakeIdentityServices;
let box: Sandbox;
/** Every run of this test, to search for leaked secrets. */
let runs: Run[];
/** Secrets the test itself wrote (static keys in files, tokens): they must not leak either. */
let testSecrets: string[];

beforeAll(async () => {
  [ecr, ids] = await Promise.all([new FakeEcr().start(), new FakeIdentityServices().start()]);
});
afterAll(() => Promise.all([ecr.stop(), ids.stop()]));
beforeEach(() => {
  ecr.reset();
  ids.reset();
  box = new Sandbox();
  runs = [];
  testSecrets = [];
});
afterEach(() => box.remove());

/**
 * The sandbox's environment with every AWS endpoint on a fake and the debug log on. `extra` values of
 * undefined remove a variable (e.g. the static keys, when a test needs another source).
 */
function envOf(extra: Env = {}): Env {
  return box.env(ecr.url, {
    AWS_ENDPOINT_URL_STS: ids.url,
    AWS_ENDPOINT_URL_SSO: ids.url,
    AWS_ENDPOINT_URL_SSO_OIDC: ids.url,
    AWS_ENDPOINT_URL: ids.url, // any other service the chain might call lands on the fake as a violation
    AWS_EC2_METADATA_SERVICE_ENDPOINT: ids.url,
    AWS_ECR_LOG_LEVEL: 'debug',
    // Development only: e.g. `--require /tmp/loopback-only.cjs`, a tripwire for non-loopback traffic.
    NODE_OPTIONS: process.env.CREDENTIALS_TEST_NODE_OPTIONS,
    ...extra,
  });
}

/** Like envOf, without the static keys in the environment (they would answer first). */
function envWithoutKeys(extra: Env = {}): Env {
  return envOf({ AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, ...extra });
}

async function get(env: Env, host = HOST): Promise<Run> {
  const run = await runHelper(['get'], host, env);
  runs.push(run);
  return run;
}

async function getOk(env: Env, host = HOST): Promise<Run> {
  const run = await get(env, host);
  expect(run, run.stdout + run.stderr).toMatchObject({ code: 0, stderr: '' });
  expect(JSON.parse(run.stdout)).toMatchObject({ ServerURL: host, Username: 'AWS' });
  return run;
}

/** A get answered from the cache: no ECR call, no identity call, the miss path not even loaded. */
async function expectHit(env: Env, host = HOST): Promise<void> {
  const before = { ecr: ecr.calls.length, ids: ids.total(), loads: missPathLoads() };
  const run = await getOk(env, host);
  expect({ ecr: ecr.calls.length, ids: ids.total(), loads: missPathLoads() }).toEqual(before);
  expect(ecr.issued.map((i) => i.password)).toContain(secretOf(run)); // a token fetched earlier
  expect(readLog()).toMatch(new RegExp(`debug cache hit for ${host.replace(/\./g, '\\.')}`));
}

const tokenFiles = () => (existsSync(box.cacheDir) ? readdirSync(box.cacheDir).filter((f) => /^token-[0-9a-f]{32}\.json$/.test(f)) : []);
const readLog = () => (existsSync(join(box.cacheDir, LOG)) ? readFileSync(join(box.cacheDir, LOG), 'utf8') : '');
const missPathLoads = () => (readLog().match(/debug loading the miss path/g) ?? []).length;
const lastEcrCall = () => ecr.calls.at(-1)!;
const secretOf = (run: Run) => (JSON.parse(run.stdout) as { Secret: string }).Secret;

/** No secret of the fakes or the test on stdout, stderr or in the log; ECR passwords only on a successful stdout. */
function expectNoSecretLeaked(): void {
  const log = readLog();
  expect(log).toContain(' debug '); // the check below is not vacuous
  const identitySecrets = [...ids.secrets(), ...testSecrets].filter((s) => s.length >= 8);
  const ecrSecrets = ecr.issued.flatMap((i) => [i.password, i.authorizationToken]);
  expect(identitySecrets.length).toBeGreaterThan(0);
  const everywhere = [log, ...runs.flatMap((r) => [r.stdout, r.stderr])].join('\n');
  const notOnSuccess = [log, ...runs.flatMap((r) => (r.code === 0 ? [r.stderr] : [r.stdout, r.stderr]))].join('\n');
  for (const secret of identitySecrets) expect(everywhere.includes(secret), `leaked identity secret ${secret.slice(0, 6)}…`).toBe(false);
  for (const secret of ecrSecrets) expect(notOnSuccess.includes(secret), `leaked ECR secret ${secret.slice(0, 6)}…`).toBe(false);
}

function expectNoViolations(): void {
  expect(ecr.violations).toEqual([]);
  expect(ids.violations).toEqual([]);
}

// ---- sources ----

const randomKeyId = (prefix: 'AKIA' | 'ASIA') => `${prefix}${randomBytes(8).toString('hex').toUpperCase()}`;
const randomSecret = () => {
  const secret = `test-secret-${randomBytes(20).toString('hex')}`;
  testSecrets.push(secret);
  return secret;
};

function writeConfig(text: string): void {
  writeFileSync(join(box.home, 'aws-config'), text); // AWS_CONFIG_FILE of box.env
}

function writeCredentials(text: string): void {
  writeFileSync(join(box.home, 'aws-credentials'), text); // AWS_SHARED_CREDENTIALS_FILE of box.env
}

interface StaticKey {
  id: string;
  secret: string;
  session?: string;
}

function staticKey(prefix: 'AKIA' | 'ASIA' = 'AKIA'): StaticKey {
  const key: StaticKey = { id: randomKeyId(prefix), secret: randomSecret() };
  if (prefix === 'ASIA') {
    key.session = `test-session-${randomBytes(60).toString('base64')}`;
    testSecrets.push(key.session);
  }
  ids.knowSecret(key.id, key.secret); // lets the fake verify STS signatures made with it
  return key;
}

const profileKeys = (name: string, key: StaticKey) =>
  `[${name}]\naws_access_key_id = ${key.id}\naws_secret_access_key = ${key.secret}\n${key.session ? `aws_session_token = ${key.session}\n` : ''}`;

function roleProfile(options: { roleArn?: string; externalId?: string } = {}): string {
  return [
    '[profile deploy]',
    `role_arn = ${options.roleArn ?? ROLE}`,
    'source_profile = base',
    'role_session_name = ecr-login-test',
    ...(options.externalId ? [`external_id = ${options.externalId}`] : []),
    '',
  ].join('\n');
}

/** A credential_process script that appends a line to a file per run and prints fresh keys each time. */
function writeCredentialProcess(name = 'credential-process'): { command: string; runs: () => number; keyOfRun: (n: number) => string } {
  const bin = join(box.root, 'bin');
  mkdirSync(bin, { recursive: true });
  const script = join(bin, name);
  const counter = join(box.root, `${name}.runs`);
  const salt = randomBytes(12).toString('hex');
  const expiration = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  writeFileSync(
    script,
    [
      '#!/bin/sh',
      `echo "$*" >> '${counter}'`,
      `n=$(wc -l < '${counter}' | tr -d ' ')`,
      `printf '{"Version":1,"AccessKeyId":"ASIAPROCESS%09d","SecretAccessKey":"process-secret-${salt}-%s","SessionToken":"process-session-${salt}-%s","Expiration":"${expiration}"}\\n' "$n" "$n" "$n"`,
      '',
    ].join('\n'),
  );
  chmodSync(script, 0o755);
  for (let n = 1; n <= 5; n++) testSecrets.push(`process-secret-${salt}-${n}`, `process-session-${salt}-${n}`);
  return {
    command: script,
    runs: () => (existsSync(counter) ? readFileSync(counter, 'utf8').split('\n').filter(Boolean).length : 0),
    keyOfRun: (n) => `ASIAPROCESS${String(n).padStart(9, '0')}`,
  };
}

function writeWebIdentityToken(): { file: string; token: string } {
  const token = `eyJhbGciOiJSUzI1NiJ9.${randomBytes(90).toString('base64url')}.${randomBytes(64).toString('base64url')}`;
  testSecrets.push(token);
  const file = join(box.root, 'web-identity-token');
  writeFileSync(file, token);
  return { file, token };
}

const SSO_SESSION = 'corp';
const ssoConfig = (options: { roleName?: string; accountId?: string } = {}) =>
  [
    '[profile sso-dev]',
    `sso_session = ${SSO_SESSION}`,
    `sso_account_id = ${options.accountId ?? '111122223333'}`,
    `sso_role_name = ${options.roleName ?? 'ECRReadOnly'}`,
    'region = us-west-2',
    '',
    `[sso-session ${SSO_SESSION}]`,
    'sso_start_url = https://corp-fake.awsapps.com/start',
    'sso_region = eu-west-1',
    'sso_registration_scopes = sso:account:access',
    '',
  ].join('\n');

/** What `aws sso login` leaves behind: ~/.aws/sso/cache/<sha1 of the sso-session name>.json. */
function writeSsoToken(): string {
  const accessToken = `aoaAAAAA${randomBytes(90).toString('base64')}`;
  testSecrets.push(accessToken);
  const dir = join(box.home, '.aws', 'sso', 'cache');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${createHash('sha1').update(SSO_SESSION).digest('hex')}.json`);
  const expiresAt = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  writeFileSync(file, JSON.stringify({ startUrl: 'https://corp-fake.awsapps.com/start', region: 'eu-west-1', accessToken, expiresAt }));
  ids.ssoAccessToken = accessToken;
  return accessToken;
}

// ---- the sources, one describe each ----

describe('static keys in the environment', () => {
  it('signs ECR with them, hits the cache next, calls no identity service', async () => {
    const env = envOf();
    testSecrets.push(env.AWS_SECRET_ACCESS_KEY!);
    await getOk(env);
    expect(ecr.privateCalls().map((c) => c.accessKeyId)).toEqual([env.AWS_ACCESS_KEY_ID]);
    await expectHit(env);
    expect(ids.total()).toBe(0);
    expectNoViolations();
    expectNoSecretLeaked();
  });

  it('keys the entry by the access key id: a rotated secret or session token hits, another key misses', async () => {
    const key = staticKey('ASIA');
    const env = envOf({ AWS_ACCESS_KEY_ID: key.id, AWS_SECRET_ACCESS_KEY: key.secret, AWS_SESSION_TOKEN: key.session });
    await getOk(env);
    await expectHit({ ...env, AWS_SECRET_ACCESS_KEY: randomSecret(), AWS_SESSION_TOKEN: randomSecret() });
    const other = staticKey();
    await getOk({ ...env, AWS_ACCESS_KEY_ID: other.id, AWS_SECRET_ACCESS_KEY: other.secret, AWS_SESSION_TOKEN: undefined });
    expect(ecr.privateCalls().map((c) => c.accessKeyId)).toEqual([key.id, other.id]);
    expect(tokenFiles()).toHaveLength(2);
    expectNoViolations();
    expectNoSecretLeaked();
  });
});

describe('a shared-credentials profile (AWS_PROFILE)', () => {
  it('signs ECR with the profile keys, hits next; another profile is another entry', async () => {
    const dev = staticKey();
    const prod = staticKey();
    writeCredentials(profileKeys('dev', dev) + profileKeys('prod', prod));
    const devEnv = envWithoutKeys({ AWS_PROFILE: 'dev' });
    await getOk(devEnv);
    expect(lastEcrCall().accessKeyId).toBe(dev.id);
    await expectHit(devEnv);

    await getOk({ ...devEnv, AWS_PROFILE: 'prod' });
    expect(lastEcrCall().accessKeyId).toBe(prod.id);
    expect(tokenFiles()).toHaveLength(2);
    await expectHit(devEnv);
    expect(ecr.privateCalls()).toHaveLength(2);
    expect(ids.total()).toBe(0);
    expectNoViolations();
    expectNoSecretLeaked();
  });

  it('keeps hitting when the secret and session token of the profile rotate', async () => {
    const key = staticKey('ASIA');
    writeCredentials(profileKeys('ci', key));
    const env = envWithoutKeys({ AWS_PROFILE: 'ci' });
    await getOk(env);
    writeCredentials(profileKeys('ci', { id: key.id, secret: randomSecret(), session: randomSecret() }));
    await expectHit(env);
    expectNoSecretLeaked();
  });
});

describe('role_arn + source_profile (STS AssumeRole)', () => {
  let base: StaticKey;
  const env = () => envWithoutKeys({ AWS_PROFILE: 'deploy' });
  beforeEach(() => {
    base = staticKey();
    writeCredentials(profileKeys('base', base));
  });

  it("assumes the role with the source profile's keys and signs ECR with the role's credentials; the next get calls nothing", async () => {
    writeConfig(roleProfile({ externalId: 'ext-one' }));
    await getOk(env());
    expect(ids.counts()).toEqual({ sts: 1, sso: 0, container: 0, imds: 0 });
    const call = ids.stsCalls[0]!;
    expect(call).toMatchObject({ action: 'AssumeRole', signingAccessKeyId: base.id, signatureVerified: true, region: 'us-west-2', roleArn: ROLE, externalId: 'ext-one', roleSessionName: 'ecr-login-test' });
    expect(lastEcrCall().accessKeyId).toBe(call.issued!.accessKeyId);
    expect(call.issued!.accessKeyId).toMatch(/^ASIA/);

    await expectHit(env());
    expect(ids.counts()).toEqual({ sts: 1, sso: 0, container: 0, imds: 0 });
    expectNoViolations();
    expectNoSecretLeaked();
  });

  it('another role_arn or external_id is another entry (and another AssumeRole)', async () => {
    writeConfig(roleProfile({ externalId: 'ext-one' }));
    await getOk(env());
    writeConfig(roleProfile({ roleArn: OTHER_ROLE, externalId: 'ext-one' }));
    await getOk(env());
    writeConfig(roleProfile({ roleArn: OTHER_ROLE, externalId: 'ext-two' }));
    await getOk(env());
    expect(ids.stsCalls.map((c) => [c.roleArn, c.externalId])).toEqual([
      [ROLE, 'ext-one'],
      [OTHER_ROLE, 'ext-one'],
      [OTHER_ROLE, 'ext-two'],
    ]);
    expect(ecr.privateCalls().map((c) => c.accessKeyId)).toEqual(ids.stsCalls.map((c) => c.issued!.accessKeyId));
    expect(tokenFiles()).toHaveLength(3);
    // Back to the first role: its entry is still there.
    writeConfig(roleProfile({ externalId: 'ext-one' }));
    await expectHit(env());
    expectNoViolations();
    expectNoSecretLeaked();
  });

  it("signs AssumeRole with a source profile's temporary keys, and keeps hitting when their secret and session token rotate", async () => {
    const temporary = staticKey('ASIA');
    writeCredentials(profileKeys('base', temporary));
    writeConfig(roleProfile());
    await getOk(env());
    expect(ids.stsCalls[0]).toMatchObject({ signingAccessKeyId: temporary.id, securityToken: temporary.session, signatureVerified: true });
    writeCredentials(profileKeys('base', { id: temporary.id, secret: randomSecret(), session: randomSecret() }));
    await expectHit(env());
    expect(ids.count('sts')).toBe(1);
    expectNoSecretLeaked();
  });

  // The token belongs to the role (role_arn, external_id, session name, source profile name, files),
  // not to the source profile's keys: their rotation, new key id included, keeps hitting.
  it("keeps hitting when the source profile's temporary keys rotate (new access key id)", async () => {
    writeCredentials(profileKeys('base', staticKey('ASIA')));
    writeConfig(roleProfile());
    await getOk(env());
    writeCredentials(profileKeys('base', staticKey('ASIA')));
    await expectHit(env());
  });
});

describe('credential_process', () => {
  it('signs ECR with what the process prints; a hit does not run it; another command is another entry', async () => {
    const proc = writeCredentialProcess();
    writeConfig(`[profile tool]\ncredential_process = ${proc.command} --account dev\n`);
    const env = envWithoutKeys({ AWS_PROFILE: 'tool' });
    await getOk(env);
    expect(proc.runs()).toBe(1);
    expect(lastEcrCall().accessKeyId).toBe(proc.keyOfRun(1));

    await expectHit(env);
    expect(proc.runs()).toBe(1);

    writeConfig(`[profile tool]\ncredential_process = ${proc.command} --account prod\n`);
    await getOk(env);
    expect(proc.runs()).toBe(2);
    expect(lastEcrCall().accessKeyId).toBe(proc.keyOfRun(2));
    expect(tokenFiles()).toHaveLength(2);
    expect(ids.total()).toBe(0);
    expectNoViolations();
    expectNoSecretLeaked();
  });
});

describe('web identity from the environment (AssumeRoleWithWebIdentity)', () => {
  it('exchanges the token file for role credentials; a rotated token hits; another role misses', async () => {
    const web = writeWebIdentityToken();
    const env = envWithoutKeys({ AWS_WEB_IDENTITY_TOKEN_FILE: web.file, AWS_ROLE_ARN: ROLE });
    await getOk(env);
    expect(ids.counts()).toEqual({ sts: 1, sso: 0, container: 0, imds: 0 });
    const call = ids.stsCalls[0]!;
    expect(call).toMatchObject({ action: 'AssumeRoleWithWebIdentity', roleArn: ROLE, webIdentityToken: web.token });
    expect(call.signingAccessKeyId).toBeUndefined();
    expect(lastEcrCall().accessKeyId).toBe(call.issued!.accessKeyId);

    await expectHit(env);
    // The token file is rewritten by the kubelet/runner: the same role, the same entry.
    const rotated = `eyJhbGciOiJSUzI1NiJ9.${randomBytes(90).toString('base64url')}.rotated`;
    testSecrets.push(rotated);
    writeFileSync(web.file, rotated);
    await expectHit(env);

    await getOk({ ...env, AWS_ROLE_ARN: OTHER_ROLE });
    expect(ids.stsCalls.map((c) => [c.roleArn, c.webIdentityToken])).toEqual([
      [ROLE, web.token],
      [OTHER_ROLE, rotated],
    ]);
    expect(lastEcrCall().accessKeyId).toBe(ids.stsCalls[1]!.issued!.accessKeyId);
    expect(tokenFiles()).toHaveLength(2);
    expectNoViolations();
    expectNoSecretLeaked();
  });
});

describe('an SSO profile with sso_session', () => {
  it('gets role credentials from the SSO portal with the cached token; a hit calls nothing; a new login hits; another role misses', async () => {
    writeConfig(ssoConfig());
    const accessToken = writeSsoToken();
    const env = envWithoutKeys({ AWS_PROFILE: 'sso-dev' });
    await getOk(env);
    expect(ids.counts()).toEqual({ sts: 0, sso: 1, container: 0, imds: 0 });
    const call = ids.ssoCalls[0]!;
    expect(call).toMatchObject({ roleName: 'ECRReadOnly', accountId: '111122223333', accessToken });
    expect(lastEcrCall().accessKeyId).toBe(call.issued!.accessKeyId);

    await expectHit(env);
    const relogin = writeSsoToken(); // `aws sso login` again: a new access token for the same session
    await expectHit(env);

    writeConfig(ssoConfig({ roleName: 'ECRPowerUser' }));
    await getOk(env);
    expect(ids.ssoCalls.map((c) => [c.roleName, c.accountId, c.accessToken])).toEqual([
      ['ECRReadOnly', '111122223333', accessToken],
      ['ECRPowerUser', '111122223333', relogin],
    ]);
    expect(lastEcrCall().accessKeyId).toBe(ids.ssoCalls[1]!.issued!.accessKeyId);
    writeConfig(ssoConfig({ accountId: '444455556666' }));
    await getOk(env);
    expect(tokenFiles()).toHaveLength(3);
    expectNoViolations();
    expectNoSecretLeaked();
  });

  it('finds the token only under the SHA-1 of the sso-session name (not of the start URL)', async () => {
    writeConfig(ssoConfig());
    writeSsoToken();
    const dir = join(box.home, '.aws', 'sso', 'cache');
    const [file] = readdirSync(dir);
    expect(file).toBe(`${createHash('sha1').update('corp').digest('hex')}.json`);
    // Under the start URL's hash (the legacy, sessionless naming) the SDK does not find it.
    const legacy = join(dir, `${createHash('sha1').update('https://corp-fake.awsapps.com/start').digest('hex')}.json`);
    writeFileSync(legacy, readFileSync(join(dir, file!)));
    writeFileSync(join(dir, file!), '{}');
    const run = await get(envWithoutKeys({ AWS_PROFILE: 'sso-dev' }));
    expect(run.code).toBe(1);
    expect(ids.count('sso')).toBe(0);
    expect(ecr.calls).toHaveLength(0);
    expectNoSecretLeaked();
  });
});

describe('an SSO profile whose login is missing or expired', () => {
  const expected = /^the AWS SSO login of profile "sso-dev" is missing or expired \([^\n]*\); run: aws sso login --profile sso-dev\n$/;

  it('names the aws sso login command when there is no cached token', async () => {
    writeConfig(ssoConfig());
    const run = await get(envWithoutKeys({ AWS_PROFILE: 'sso-dev' }));
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(expected);
    expect(ids.count('sso')).toBe(0);
    expect(ecr.calls).toHaveLength(0);
  });

  it('names the aws sso login command when the cached token has expired', async () => {
    writeConfig(ssoConfig());
    writeSsoToken();
    const file = join(box.home, '.aws', 'sso', 'cache', `${createHash('sha1').update(SSO_SESSION).digest('hex')}.json`);
    const token = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    writeFileSync(file, JSON.stringify({ ...token, expiresAt: new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z') }));
    const run = await get(envWithoutKeys({ AWS_PROFILE: 'sso-dev' }));
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(expected);
    expect(ecr.calls).toHaveLength(0);
    expectNoSecretLeaked();
  });
});

describe('container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI)', () => {
  it('signs ECR with the container credentials, sends the authorization token; a hit calls nothing; another URI misses', async () => {
    const authorization = `container-auth-${randomBytes(24).toString('hex')}`;
    testSecrets.push(authorization);
    ids.containerAuthorization = authorization;
    const env = envWithoutKeys({ AWS_CONTAINER_CREDENTIALS_FULL_URI: ids.containerUrl, AWS_CONTAINER_AUTHORIZATION_TOKEN: authorization });
    await getOk(env);
    expect(ids.counts()).toEqual({ sts: 0, sso: 0, container: 1, imds: 0 });
    expect(ids.containerCalls[0]!.authorization).toBe(authorization);
    expect(lastEcrCall().accessKeyId).toBe(ids.containerCalls[0]!.issued!.accessKeyId);

    await expectHit(env);
    // The agent rotates the authorization token: the same task role, the same entry.
    const rotated = `container-auth-${randomBytes(24).toString('hex')}`;
    testSecrets.push(rotated);
    ids.containerAuthorization = rotated;
    await expectHit({ ...env, AWS_CONTAINER_AUTHORIZATION_TOKEN: rotated });

    await getOk({ ...env, AWS_CONTAINER_CREDENTIALS_FULL_URI: `${ids.containerUrl}?task=other`, AWS_CONTAINER_AUTHORIZATION_TOKEN: rotated });
    expect(ids.count('container')).toBe(2);
    expect(lastEcrCall().accessKeyId).toBe(ids.containerCalls[1]!.issued!.accessKeyId);
    expect(tokenFiles()).toHaveLength(2);
    expectNoViolations();
    expectNoSecretLeaked();
  });
});

describe('EC2 instance metadata (IMDSv2)', () => {
  it('signs ECR with the instance role credentials; a hit calls nothing; environment keys are another entry', async () => {
    const env = envWithoutKeys({ AWS_EC2_METADATA_DISABLED: undefined });
    await getOk(env);
    expect(ids.imdsCalls.map((c) => c.step)).toEqual(['token', 'role-name', 'credentials']);
    const [token, ...reads] = ids.imdsCalls;
    for (const read of reads) expect(read.token).toBe(token!.token);
    expect(ids.counts()).toEqual({ sts: 0, sso: 0, container: 0, imds: 3 });
    expect(lastEcrCall().accessKeyId).toBe(ids.imdsCalls[2]!.issued!.accessKeyId);

    await expectHit(env);

    const key = staticKey();
    await getOk({ ...env, AWS_ACCESS_KEY_ID: key.id, AWS_SECRET_ACCESS_KEY: key.secret });
    expect(lastEcrCall().accessKeyId).toBe(key.id);
    expect(tokenFiles()).toHaveLength(2);
    await expectHit(env); // back on the instance role: its entry is still there
    expect(ids.count('imds')).toBe(3);
    expectNoViolations();
    expectNoSecretLeaked();
  });
});

// ---- failures: no secret leaks, and the error blames the credential source ----

const stsDenied = (): Env => {
  writeCredentials(profileKeys('base', staticKey()));
  writeConfig(roleProfile({ externalId: 'ext-secretive' }));
  ids.failures.sts = { status: 403, code: 'AccessDenied', message: `User: arn:aws:iam::123456789012:user/base is not authorized to perform: sts:AssumeRole on resource: ${ROLE}` };
  return envWithoutKeys({ AWS_PROFILE: 'deploy' });
};
const webIdentityRejected = (): Env => {
  const web = writeWebIdentityToken();
  ids.failures.sts = { status: 400, code: 'InvalidIdentityToken', message: "Couldn't retrieve verification key from your identity provider" };
  return envWithoutKeys({ AWS_WEB_IDENTITY_TOKEN_FILE: web.file, AWS_ROLE_ARN: ROLE });
};
const ssoUnauthorized = (): Env => {
  writeConfig(ssoConfig());
  writeSsoToken();
  ids.ssoAccessToken = 'the-portal-expects-another-token';
  return envWithoutKeys({ AWS_PROFILE: 'sso-dev' });
};
const containerUnauthorized = (): Env => {
  const authorization = `container-auth-${randomBytes(24).toString('hex')}`;
  testSecrets.push(authorization);
  ids.containerAuthorization = 'the-agent-expects-another-token';
  return envWithoutKeys({ AWS_CONTAINER_CREDENTIALS_FULL_URI: ids.containerUrl, AWS_CONTAINER_AUTHORIZATION_TOKEN: authorization });
};

describe('failures', () => {
  it.each([
    ['role_arn + source_profile, STS AccessDenied', stsDenied],
    ['web identity, STS InvalidIdentityToken', webIdentityRejected],
    ['SSO, UnauthorizedException', ssoUnauthorized],
    ['container, 401', containerUnauthorized],
  ])('%s: one error line, nothing secret in it or the log, no ECR call, nothing cached', async (_label, setUp) => {
    const run = await get(setUp());
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^[^\n]+\n$/);
    expect(ecr.calls).toHaveLength(0);
    expect(tokenFiles()).toHaveLength(0);
    expect(ids.total()).toBeGreaterThan(0);
    expectNoViolations();
    expectNoSecretLeaked();
  });

  it('SSO: the error names the profile and what the portal said', async () => {
    const run = await get(ssoUnauthorized());
    expect(run.stdout).toMatch(new RegExp(`^no AWS credentials for ${HOST.replace(/\./g, '\\.')} \\(tried profile "sso-dev"\\): UnauthorizedException: Session token not found or invalid; `));
  });

  it('container: the error names the container credentials URI', async () => {
    const env = containerUnauthorized();
    const run = await get(env);
    expect(run.stdout.startsWith(`no AWS credentials for ${HOST} (tried container credentials ${env.AWS_CONTAINER_CREDENTIALS_FULL_URI}): `), run.stdout).toBe(true);
  });

  // An error STS returns while the chain assumes a role is a failure of the credential source, not of ECR.
  it.each([
    ['role_arn + source_profile, STS AccessDenied', stsDenied, 'profile "deploy"', /: STS AccessDenied: .*; the calling principal needs sts:AssumeRole\* on the role, and the role's trust policy must allow it\n$/],
    ['web identity, STS InvalidIdentityToken', webIdentityRejected, 'web identity token', /: STS InvalidIdentityToken(Exception)?: .*; the identity provider's token was rejected: check the role's trust policy \(audience, subject\) and the token file\n$/],
  ])('%s: the error blames STS and the source, not ECR', async (_label, setUp, source, advice) => {
    const run = await get(setUp());
    expect(ecr.calls).toHaveLength(0); // ECR was never asked
    expect(run.stdout).not.toMatch(/by ECR|ECR GetAuthorizationToken|needs ecr:/);
    expect(run.stdout).toMatch(new RegExp(`^no AWS credentials for ${HOST.replace(/\./g, '\\.')} \\(tried ${source}`));
    expect(run.stdout).toMatch(advice);
  });

  it.each([
    ['role_arn + source_profile', () => (writeCredentials(profileKeys('base', staticKey())), writeConfig(roleProfile()), envWithoutKeys({ AWS_PROFILE: 'deploy' }))],
    ['web identity', () => envWithoutKeys({ AWS_WEB_IDENTITY_TOKEN_FILE: writeWebIdentityToken().file, AWS_ROLE_ARN: ROLE })],
    ['SSO', () => (writeConfig(ssoConfig()), writeSsoToken(), envWithoutKeys({ AWS_PROFILE: 'sso-dev' }))],
    ['container', () => envWithoutKeys({ AWS_CONTAINER_CREDENTIALS_FULL_URI: ids.containerUrl })],
    ['instance metadata', () => envWithoutKeys({ AWS_EC2_METADATA_DISABLED: undefined })],
    ['credential_process', () => (writeConfig(`[profile tool]\ncredential_process = ${writeCredentialProcess().command}\n`), envWithoutKeys({ AWS_PROFILE: 'tool' }))],
  ])('%s: ECR refuses the resolved credentials; the error leaks none of them', async (_label, setUp) => {
    ecr.set({ fail: { status: 400, type: 'AccessDeniedException', message: 'User is not authorized to perform: ecr:GetAuthorizationToken' } });
    const run = await get(setUp());
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^access denied by ECR in us-west-2: User is not authorized to perform: ecr:GetAuthorizationToken; .*\n$/);
    expect(ecr.calls.length).toBeGreaterThan(0);
    expect(lastEcrCall().accessKeyId).toMatch(/^ASIA/);
    expectNoViolations();
    expectNoSecretLeaked();
  });
});

describe('a config-file roleArn on top of each source', () => {
  const CROSS_ACCOUNT_ROLE = 'arn:aws:iam::999999999999:role/cross-account-pull';
  const writeRule = () => {
    const dir = join(box.home, '.config', 'docker-credential-ecr-login');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ rules: [{ match: '*.dkr.ecr.us-west-2.amazonaws.com', roleArn: CROSS_ACCOUNT_ROLE, externalId: 'hop' }] }));
  };

  it.each([
    ['environment keys', () => envOf()],
    ['a credentials-file profile', () => (writeCredentials(profileKeys('ci', staticKey())), envWithoutKeys({ AWS_PROFILE: 'ci' }))],
    ['role_arn + source_profile', () => (writeCredentials(profileKeys('base', staticKey())), writeConfig(roleProfile()), envWithoutKeys({ AWS_PROFILE: 'deploy' }))],
    ['web identity', () => envWithoutKeys({ AWS_WEB_IDENTITY_TOKEN_FILE: writeWebIdentityToken().file, AWS_ROLE_ARN: ROLE })],
    ['SSO', () => (writeConfig(ssoConfig()), writeSsoToken(), envWithoutKeys({ AWS_PROFILE: 'sso-dev' }))],
    ['container', () => envWithoutKeys({ AWS_CONTAINER_CREDENTIALS_FULL_URI: ids.containerUrl })],
    ['instance metadata', () => envWithoutKeys({ AWS_EC2_METADATA_DISABLED: undefined })],
    ['credential_process', () => (writeConfig(`[profile tool]\ncredential_process = ${writeCredentialProcess().command}\n`), envWithoutKeys({ AWS_PROFILE: 'tool' }))],
  ])('%s: assumes the rule\'s role with it, signs ECR as the role, and then hits without any call', async (_label, setUp) => {
    writeRule();
    const env = setUp();
    await getOk(env);
    const hop = ids.stsCalls.filter((c) => c.action === 'AssumeRole' && c.roleArn === CROSS_ACCOUNT_ROLE);
    expect(hop).toHaveLength(1);
    expect(hop[0]).toMatchObject({ externalId: 'hop' });
    expect(hop[0]!.signingAccessKeyId).toBeDefined();
    expect(lastEcrCall().accessKeyId).toBe(hop[0]!.issued!.accessKeyId);
    await expectHit(env);
    expectNoViolations();
    expectNoSecretLeaked();
  });
});
