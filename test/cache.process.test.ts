// The shared token cache, observed through the built executable and the fake ECR's call counter.

import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TokenEntry } from '../src/cache/entry.js';
import { FakeEcr } from './fakes/ecr.js';
import { NPM_SCRIPT, runHelper, Sandbox, type Env, useFakeEcrSandbox } from './helpers/helper-process.js';

const HOST = '123456789012.dkr.ecr.us-west-2.amazonaws.com';
const HOUR = 3_600_000;

let fake: FakeEcr;
let box: Sandbox;
let env: Env;
useFakeEcrSandbox((s) => ({ fake, box, env } = s));

const tokenFiles = () => readdirSync(box.cacheDir).filter((f) => /^token-[0-9a-f]{32}\.json$/.test(f));
const readOnlyEntry = (): TokenEntry => {
  const files = tokenFiles();
  expect(files).toHaveLength(1);
  return JSON.parse(readFileSync(join(box.cacheDir, files[0]!), 'utf8')) as TokenEntry;
};
const rewriteOnlyEntry = (change: (e: TokenEntry) => TokenEntry) => {
  const file = join(box.cacheDir, tokenFiles()[0]!);
  writeFileSync(file, JSON.stringify(change(JSON.parse(readFileSync(file, 'utf8')) as TokenEntry)));
};
const missPathLoads = () => (readFileSync(join(box.cacheDir, 'docker-credential-ecr-login.log'), 'utf8').match(/debug loading the miss path/g) ?? []).length;
const secretOf = (stdout: string) => (JSON.parse(stdout) as { Secret: string }).Secret;

describe('hits and misses', () => {
  it('calls ECR once and answers the next gets from the cache', async () => {
    const first = await runHelper(['get'], HOST, env);
    const second = await runHelper(['get'], HOST, env);
    expect(fake.privateCalls()).toHaveLength(1);
    expect(secretOf(second.stdout)).toBe(secretOf(first.stdout));
  });

  it('serves every account of a region from one token (registryIds is not sent)', async () => {
    await runHelper(['get'], HOST, env);
    const other = await runHelper(['get'], '999999999999.dkr.ecr.us-west-2.amazonaws.com', env);
    expect(other.code).toBe(0);
    expect(fake.privateCalls()).toHaveLength(1);
    expect(fake.calls[0]!.body).toEqual({});
  });

  it('signs for the region of the hostname, and keeps one entry per region', async () => {
    await runHelper(['get'], HOST, env);
    await runHelper(['get'], '123456789012.dkr.ecr.ap-southeast-2.amazonaws.com', env);
    expect(fake.calls.map((c) => [c.region, c.service])).toEqual([
      ['us-west-2', 'ecr'],
      ['ap-southeast-2', 'ecr'],
    ]);
    expect(tokenFiles()).toHaveLength(2);
  });

  it('fetches ECR Public tokens in us-east-1 with the ecr-public signing name', async () => {
    const run = await runHelper(['get'], 'public.ecr.aws', env);
    expect(JSON.parse(run.stdout)).toMatchObject({ ServerURL: 'public.ecr.aws', Username: 'AWS' });
    expect(fake.publicCalls().map((c) => [c.region, c.service])).toEqual([['us-east-1', 'ecr-public']]);
  });

  it.each(['integer', 'fractional', 'exponent'] as const)('reads an expiresAt written in %s form', async (style) => {
    fake.set({ expiresAtStyle: style });
    expect((await runHelper(['get'], HOST, env)).code).toBe(0);
    const entry = readOnlyEntry();
    expect(Math.abs(entry.expiresAt - (Date.now() + 12 * HOUR))).toBeLessThan(60_000);
  });

  it('misses when the credential source changes (another access key)', async () => {
    await runHelper(['get'], HOST, env);
    await runHelper(['get'], HOST, { ...env, AWS_ACCESS_KEY_ID: 'AKIAFAKETESTKEY00002' });
    expect(fake.privateCalls()).toHaveLength(2);
  });

  it('misses when the profile changes, and hits again for the same profile', async () => {
    writeFileSync(env.AWS_SHARED_CREDENTIALS_FILE!, '[dev]\naws_access_key_id = AKIAFAKETESTKEY00003\naws_secret_access_key = s3cr3t-dev\n[prod]\naws_access_key_id = AKIAFAKETESTKEY00004\naws_secret_access_key = s3cr3t-prod\n');
    const dev = { ...env, AWS_PROFILE: 'dev' };
    await runHelper(['get'], HOST, dev);
    await runHelper(['get'], HOST, { ...env, AWS_PROFILE: 'prod' });
    await runHelper(['get'], HOST, dev);
    expect(fake.privateCalls().map((c) => c.accessKeyId)).toEqual(['AKIAFAKETESTKEY00003', 'AKIAFAKETESTKEY00004']);
  });

  it('keeps hitting when the temporary keys of a profile rotate', async () => {
    const credentials = (secret: string, session: string) =>
      writeFileSync(env.AWS_SHARED_CREDENTIALS_FILE!, `[ci]\naws_access_key_id = AKIAFAKETESTKEY00005\naws_secret_access_key = ${secret}\naws_session_token = ${session}\n`);
    const ci = { ...env, AWS_PROFILE: 'ci' };
    credentials('secret-one', 'session-one');
    await runHelper(['get'], HOST, ci);
    credentials('secret-two', 'session-two');
    expect((await runHelper(['get'], HOST, ci)).code).toBe(0);
    expect(fake.privateCalls()).toHaveLength(1);
  });

  it('with AWS_ECR_DISABLE_CACHE calls ECR on every get and writes no token file', async () => {
    // At the default log level (the sandbox's is debug), which writes no log file when all goes well.
    const noCache = { ...env, AWS_ECR_DISABLE_CACHE: '1', AWS_ECR_LOG_LEVEL: undefined };
    await runHelper(['get'], HOST, noCache);
    await runHelper(['get'], HOST, noCache);
    expect(fake.privateCalls()).toHaveLength(2);
    expect(() => tokenFiles()).toThrow(); // the cache dir was never created
  });

  it('creates the cache dir 0700 and token files 0600', async () => {
    await runHelper(['get'], HOST, env);
    expect(statSync(box.cacheDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(box.cacheDir, tokenFiles()[0]!)).mode & 0o777).toBe(0o600);
  });
});

describe('refresh and expiry', () => {
  it('refreshes a token with less than half of its lifetime left', async () => {
    await runHelper(['get'], HOST, env);
    rewriteOnlyEntry((e) => ({ ...e, fetchedAt: Date.now() - 7 * HOUR, expiresAt: Date.now() + 5 * HOUR }));
    const run = await runHelper(['get'], HOST, env);
    expect(fake.privateCalls()).toHaveLength(2);
    expect(secretOf(run.stdout)).toBe(fake.issued.at(-1)!.password);
  });

  it('honours AWS_ECR_REFRESH_FRACTION', async () => {
    await runHelper(['get'], HOST, env);
    rewriteOnlyEntry((e) => ({ ...e, fetchedAt: Date.now() - 2 * HOUR, expiresAt: Date.now() + 10 * HOUR }));
    await runHelper(['get'], HOST, env);
    expect(fake.privateCalls()).toHaveLength(1);
    await runHelper(['get'], HOST, { ...env, AWS_ECR_REFRESH_FRACTION: '0.9' });
    expect(fake.privateCalls()).toHaveLength(2);
  });

  it('serves a still-valid cached token with a warning when the refresh fails', async () => {
    const first = await runHelper(['get'], HOST, env);
    rewriteOnlyEntry((e) => ({ ...e, fetchedAt: Date.now() - 8 * HOUR, expiresAt: Date.now() + 4 * HOUR }));
    fake.set({ fail: { status: 500, type: 'ServerException', message: 'internal error' } });
    const run = await runHelper(['get'], HOST, env);
    expect(run.code).toBe(0);
    expect(secretOf(run.stdout)).toBe(secretOf(first.stdout));
    expect(run.stderr).toMatch(/^docker-credential-ecr-login: warning: could not refresh the ECR token \(ECR in us-west-2 failed \(ServerException: internal error\) after 3 attempts; try again shortly\); using the cached one, valid until \S+\n$/);
  });

  it('never serves an expired token, even when ECR fails', async () => {
    await runHelper(['get'], HOST, env);
    rewriteOnlyEntry((e) => ({ ...e, fetchedAt: Date.now() - 13 * HOUR, expiresAt: Date.now() - HOUR }));
    fake.set({ fail: { status: 500, type: 'ServerException', message: 'internal error' } });
    const run = await runHelper(['get'], HOST, env);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^ECR in us-west-2 failed/);
  });

  it('prunes expired entries of other keys after a refresh', async () => {
    await runHelper(['get'], '123456789012.dkr.ecr.eu-west-1.amazonaws.com', env);
    rewriteOnlyEntry((e) => ({ ...e, fetchedAt: Date.now() - 13 * HOUR, expiresAt: Date.now() - HOUR }));
    await runHelper(['get'], HOST, env);
    const regions = tokenFiles().map((f) => (JSON.parse(readFileSync(join(box.cacheDir, f), 'utf8')) as TokenEntry).region);
    expect(regions).toEqual(['us-west-2']);
  });
});

describe('damaged cache', () => {
  it.each([
    ['garbage', 'garbage'],
    ['truncated JSON', '{"schema":1,"identity":"'],
    ['a future schema', '{"schema":99}'],
  ])('treats an entry of %s as a miss and rewrites it', async (_label, content) => {
    await runHelper(['get'], HOST, env);
    const file = join(box.cacheDir, tokenFiles()[0]!);
    writeFileSync(file, content);
    const run = await runHelper(['get'], HOST, env);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(fake.privateCalls()).toHaveLength(2);
    expect(readOnlyEntry().schema).toBe(1);
  });

  it('still answers, with one warning, when the cache dir cannot be created', async () => {
    writeFileSync(box.cacheDir, 'a file where the cache dir should be'); // fails for root too
    const run = await runHelper(['get'], HOST, env);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ Username: 'AWS' });
    expect(run.stderr).toMatch(/^docker-credential-ecr-login: warning: cache dir \S+ is not usable \(EEXIST\); continuing without a cache\n$/);
  });
});

describe('the cache-hit path', () => {
  it('answers hits and non-ECR hosts without loading the miss path (the AWS SDK)', async () => {
    const debug = { ...env, AWS_ECR_LOG_LEVEL: 'debug' };
    await runHelper(['get'], HOST, debug);
    const loadsAfterMiss = missPathLoads();
    expect(loadsAfterMiss).toBe(1);
    expect(await runHelper(['get'], HOST, debug)).toMatchObject({ code: 0, stderr: '' });
    expect(await runHelper(['get'], '999999999999.dkr.ecr.us-west-2.amazonaws.com', debug)).toMatchObject({ code: 0 }); // new host: recorded under the lock
    expect(await runHelper(['get'], '999999999999.dkr.ecr.us-west-2.amazonaws.com', debug)).toMatchObject({ code: 0 });
    expect(await runHelper(['get'], 'docker.io', debug)).toMatchObject({ code: 1 });
    expect(await runHelper(['list'], 'unused', debug)).toMatchObject({ code: 0 });
    expect(missPathLoads()).toBe(2);
  });

  it('the npm script answers hits without even having its cold bundle file', async () => {
    await runHelper(['get'], HOST, env, NPM_SCRIPT);
    const alone = join(box.root, 'bin', 'docker-credential-ecr-login');
    mkdirSync(join(box.root, 'bin'));
    copyFileSync(NPM_SCRIPT, alone);
    chmodSync(alone, 0o755);

    expect(await runHelper(['get'], HOST, env, alone)).toMatchObject({ code: 0, stderr: '' });
    expect(await runHelper(['get'], 'docker.io', env, alone)).toMatchObject({ code: 1, stdout: 'credentials not found in native keychain\n' });
    expect((await runHelper(['list'], 'unused', env, alone)).stdout).toContain(HOST);
    // A miss does need the cold bundle: proof that the hits above did not load it.
    const miss = await runHelper(['get'], '123456789012.dkr.ecr.eu-north-1.amazonaws.com', env, alone);
    expect(miss.code).toBe(1);
    expect(miss.stdout).toMatch(/^docker-credential-ecr-login internal error \(.*docker-credential-ecr-login-cold\.cjs/);
  });
});

describe('locks', () => {
  it('takes over the lock of a crashed holder within seconds', async () => {
    await runHelper(['get'], HOST, env);
    const entryFile = join(box.cacheDir, tokenFiles()[0]!);
    rewriteOnlyEntry((e) => ({ ...e, fetchedAt: Date.now() - 13 * HOUR, expiresAt: Date.now() - HOUR }));
    // A lock directory as a helper killed mid-refresh leaves it: never updated again.
    mkdirSync(`${entryFile}.lock`);
    const run = await runHelper(['get'], HOST, env);
    expect(run.code).toBe(0);
    expect(run.ms).toBeLessThan(10_000);
    expect(fake.privateCalls()).toHaveLength(2);
  });

  it('stops waiting for a live holder at AWS_ECR_TIMEOUT, and says which lock', async () => {
    await runHelper(['get'], HOST, env);
    const entryFile = join(box.cacheDir, tokenFiles()[0]!);
    rewriteOnlyEntry((e) => ({ ...e, fetchedAt: Date.now() - 13 * HOUR, expiresAt: Date.now() - HOUR }));
    // A holder that is alive (it keeps its lock fresh) but never finishes.
    mkdirSync(`${entryFile}.lock`);
    const keepAlive = setInterval(() => utimesSync(`${entryFile}.lock`, new Date(), new Date()), 500);
    try {
      const run = await runHelper(['get'], HOST, { ...env, AWS_ECR_TIMEOUT: '1' });
      expect(run.code).toBe(1);
      expect(run.stdout).toBe(`timed out after 1s waiting for another docker-credential-ecr-login to refresh the token (lock ${entryFile}.lock); raise AWS_ECR_TIMEOUT or remove the lock if no helper is running\n`);
      expect(run.ms).toBeLessThan(3_000);
      expect(fake.privateCalls()).toHaveLength(1);
    } finally {
      clearInterval(keepAlive);
    }
  });

  it('reclaims an old lock at once', async () => {
    await runHelper(['get'], HOST, env);
    const entryFile = join(box.cacheDir, tokenFiles()[0]!);
    rewriteOnlyEntry((e) => ({ ...e, fetchedAt: Date.now() - 13 * HOUR, expiresAt: Date.now() - HOUR }));
    mkdirSync(`${entryFile}.lock`);
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${entryFile}.lock`, old, old);
    const run = await runHelper(['get'], HOST, env);
    expect(run.code).toBe(0);
    expect(run.ms).toBeLessThan(3_000);
  });
});
