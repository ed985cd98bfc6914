// The docker-credential-helpers protocol, spoken by the built executable (REFERENCE §1).

import { describe, expect, it } from 'vitest';
import { FakeEcr } from './fakes/ecr.js';
import { runHelper, Sandbox, type Env, useFakeEcrSandbox } from './helpers/helper-process.js';

const ECR_HOST = '123456789012.dkr.ecr.us-west-2.amazonaws.com';
const USAGE = 'Usage: docker-credential-ecr-login <store|get|erase|list|version>\n';
const VERSION = /^docker-credential-ecr-login \(npm docker-credential-ecr-login\) \d+\.\d+\.\d+\n$/;

let fake: FakeEcr;
let box: Sandbox;
let env: Env;
useFakeEcrSandbox((s) => ({ fake, box, env } = s));

describe('arguments', () => {
  it.each([
    ['no argument', [], USAGE, 1],
    ['two arguments', ['get', 'extra'], USAGE, 1],
  ])('prints usage on stdout for %s', async (_label, args, stdout, code) => {
    const run = await runHelper(args, '', env);
    expect(run).toMatchObject({ stdout, code, stderr: '' });
  });

  it.each([['-h'], ['--help']])('%s prints the usage line first, then the setup commands, and exits 0', async (flag) => {
    const run = await runHelper([flag], '', env);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout.startsWith(USAGE)).toBe(true);
    expect(run.stdout).toMatch(/configure --registry HOST/);
  });

  it.each([['-v'], ['--version'], ['version']])('prints one version line for %s', async (arg) => {
    const run = await runHelper([arg], '', env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(VERSION);
  });

  it('names an unknown action', async () => {
    const run = await runHelper(['fetch'], '', env);
    expect(run).toMatchObject({ code: 1, stdout: 'docker-credential-ecr-login: unknown action: fetch\n' });
  });
});

describe('get', () => {
  it('answers with ServerURL, Username AWS and the password, as one JSON line', async () => {
    const run = await runHelper(['get'], ECR_HOST, env);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout.endsWith('}\n')).toBe(true);
    expect(run.stdout.split('\n')).toHaveLength(2);
    expect(JSON.parse(run.stdout)).toEqual({ ServerURL: ECR_HOST, Username: 'AWS', Secret: fake.issued[0]!.password });
  });

  it.each([
    ['surrounding whitespace', `  ${ECR_HOST}  `, ECR_HOST],
    ['CRLF', `${ECR_HOST}\r\n`, ECR_HOST],
    ['a scheme and path', `https://${ECR_HOST}/v2/`, `https://${ECR_HOST}/v2/`],
  ])('echoes the trimmed input as ServerURL with %s', async (_label, input, serverURL) => {
    const run = await runHelper(['get'], input, env);
    expect(JSON.parse(run.stdout).ServerURL).toBe(serverURL);
  });

  it.each([['empty', ''], ['blank', ' \n\t ']])('says "no credentials server URL" for %s input', async (_label, input) => {
    const run = await runHelper(['get'], input, env);
    expect(run).toMatchObject({ code: 1, stdout: 'no credentials server URL\n' });
  });

  it.each([['docker.io'], ['ghcr.io'], [`${ECR_HOST}.evil.com`], ['public.ecr.aws.evil.com'], ['localhost:5000']])(
    'answers "credentials not found in native keychain" for the non-ECR host %s without calling AWS',
    async (host) => {
      const run = await runHelper(['get'], host, env);
      expect(run).toMatchObject({ code: 1, stdout: 'credentials not found in native keychain\n', stderr: '' });
      expect(fake.calls).toHaveLength(0);
    },
  );

  it('refuses a request larger than 64 KiB', async () => {
    const run = await runHelper(['get'], 'a'.repeat(70 * 1024), env);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^request on stdin is larger than 65536 bytes\n$/);
  });

  it('refuses invalid UTF-8 and NUL bytes with one line', async () => {
    const invalid = await runHelper(['get'], Buffer.from([0xc3, 0x28]), env);
    expect(invalid).toMatchObject({ code: 1, stdout: 'request on stdin is not valid UTF-8 text\n' });
    const nul = await runHelper(['get'], `${ECR_HOST}\0`, env);
    expect(nul).toMatchObject({ code: 1, stdout: 'request on stdin contains a NUL byte\n' });
  });
});

describe('store', () => {
  const body = (o: object) => `${JSON.stringify(o)}\n`;

  it('succeeds silently for an ECR host and keeps nothing', async () => {
    const run = await runHelper(['store'], body({ ServerURL: ECR_HOST, Username: 'AWS', Secret: 'typed-by-user' }), env);
    expect(run).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(fake.calls).toHaveLength(0);
  });

  it('says "no credentials server URL" without ServerURL', async () => {
    const run = await runHelper(['store'], body({ Username: 'AWS', Secret: 'x' }), env);
    expect(run).toMatchObject({ code: 1, stdout: 'no credentials server URL\n' });
  });

  it('says "no credentials username" without Username', async () => {
    const run = await runHelper(['store'], body({ ServerURL: ECR_HOST, Secret: 'x' }), env);
    expect(run).toMatchObject({ code: 1, stdout: 'no credentials username\n' });
  });

  it('explains that it keeps no credentials for a non-ECR host', async () => {
    const run = await runHelper(['store'], body({ ServerURL: 'https://index.docker.io/v1/', Username: 'me', Secret: 'pw' }), env);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      'docker-credential-ecr-login stores no credentials: it only answers for Amazon ECR registries and index.docker.io is not one; use another credential store for it\n',
    );
    expect(run.stdout).not.toContain('pw');
  });

  it('rejects a request that is not JSON with one line, never a stack trace', async () => {
    const run = await runHelper(['store'], '{"ServerURL": ', env);
    expect(run).toMatchObject({ code: 1, stderr: '' });
    expect(run.stdout).toMatch(/^store request is not valid JSON[^\n]*\n$/);
  });

  it('always succeeds with AWS_ECR_IGNORE_CREDS_STORAGE=true', async () => {
    const run = await runHelper(['store'], body({ ServerURL: 'docker.io', Username: 'me', Secret: 'pw' }), { ...env, AWS_ECR_IGNORE_CREDS_STORAGE: 'true' });
    expect(run).toMatchObject({ code: 0, stdout: '' });
  });
});

describe('erase', () => {
  it('evicts the cached token of an ECR host, so the next get fetches a new one', async () => {
    await runHelper(['get'], ECR_HOST, env);
    const run = await runHelper(['erase'], ECR_HOST, env);
    expect(run).toMatchObject({ code: 0, stdout: '' });
    await runHelper(['get'], ECR_HOST, env);
    expect(fake.privateCalls()).toHaveLength(2);
  });

  it('succeeds doing nothing for a non-ECR host', async () => {
    expect(await runHelper(['erase'], 'docker.io', env)).toMatchObject({ code: 0, stdout: '' });
  });

  it('says "no credentials server URL" for empty input', async () => {
    expect(await runHelper(['erase'], '', env)).toMatchObject({ code: 1, stdout: 'no credentials server URL\n' });
  });

  it('keeps the token with AWS_ECR_IGNORE_CREDS_STORAGE=true', async () => {
    await runHelper(['get'], ECR_HOST, env);
    expect(await runHelper(['erase'], ECR_HOST, { ...env, AWS_ECR_IGNORE_CREDS_STORAGE: 'true' })).toMatchObject({ code: 0, stdout: '' });
    await runHelper(['get'], ECR_HOST, env);
    expect(fake.privateCalls()).toHaveLength(1);
  });
});

describe('list', () => {
  it('is an empty object on an empty cache, without calling AWS', async () => {
    expect(await runHelper(['list'], 'unused', env)).toMatchObject({ code: 0, stdout: '{}\n' });
    expect(fake.calls).toHaveLength(0);
  });

  it('lists every host this identity was served, and each one answers get from the cache', async () => {
    const hosts = [ECR_HOST, '210987654321.dkr.ecr.us-west-2.amazonaws.com', 'https://123456789012.dkr.ecr.eu-central-1.amazonaws.com', 'public.ecr.aws'];
    for (const host of hosts) expect((await runHelper(['get'], host, env)).code).toBe(0);
    const callsBefore = fake.calls.length;

    const listed = JSON.parse((await runHelper(['list'], 'unused', env)).stdout) as Record<string, string>;
    expect(Object.keys(listed).sort()).toEqual([...hosts].sort());
    expect(new Set(Object.values(listed))).toEqual(new Set(['AWS']));
    for (const host of Object.keys(listed)) expect((await runHelper(['get'], host, env)).code).toBe(0);
    expect(fake.calls.length).toBe(callsBefore);
  });

  it("does not list another identity's hosts", async () => {
    await runHelper(['get'], ECR_HOST, env);
    const other = { ...env, AWS_ACCESS_KEY_ID: 'AKIAFAKETESTKEY00002' };
    expect((await runHelper(['list'], 'unused', other)).stdout).toBe('{}\n');
  });
});

describe('configuration errors', () => {
  it.each([
    ['AWS_ECR_LOG_LEVEL', 'loud', /^AWS_ECR_LOG_LEVEL must be one of error, warn, info, debug \(got "loud"\)\n$/],
    ['AWS_ECR_REFRESH_FRACTION', '2', /^AWS_ECR_REFRESH_FRACTION must be a fraction between 0 and 1/],
    ['AWS_ECR_TIMEOUT', 'soon', /^AWS_ECR_TIMEOUT must be a number of seconds/],
  ])('names the variable when %s is malformed', async (name, value, expected) => {
    const run = await runHelper(['get'], ECR_HOST, { ...env, [name]: value });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(expected);
  });
});
