// The config file through the built executable: a profile or a role per registry, custom hosts
// mapped to ECR registries, `config check`, and one-line errors for a malformed file.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeEcr } from './fakes/ecr.js';
import { FakeIdentityServices } from './fakes/identity.js';
import { runHelper, Sandbox, type Env } from './helpers/helper-process.js';

const PROD = '111111111111.dkr.ecr.us-west-2.amazonaws.com';
const DEV = '222222222222.dkr.ecr.us-west-2.amazonaws.com';
const ROLE = 'arn:aws:iam::333333333333:role/ecr-pull';

let ecr: FakeEcr;
let ids: FakeIdentityServices;
let box: Sandbox;
let env: Env;
let configFile: string;

beforeAll(async () => {
  ecr = await new FakeEcr().start();
  ids = await new FakeIdentityServices().start();
});
afterAll(async () => {
  await ecr.stop();
  await ids.stop();
});
beforeEach(() => {
  ecr.reset();
  ids.reset();
  box = new Sandbox();
  configFile = join(box.home, 'ecr-login.json');
  env = box.env(ecr.url, { AWS_ECR_CONFIG_FILE: configFile, AWS_ENDPOINT_URL_STS: ids.url });
  writeFileSync(
    env.AWS_SHARED_CREDENTIALS_FILE!,
    '[prod]\naws_access_key_id = AKIAPRODKEY000000001\naws_secret_access_key = prod-secret\n[dev]\naws_access_key_id = AKIADEVKEY0000000001\naws_secret_access_key = dev-secret\n',
  );
});
afterEach(() => box.remove());

const writeConfig = (body: unknown) => writeFileSync(configFile, typeof body === 'string' ? body : JSON.stringify(body));
const secretOf = (stdout: string) => (JSON.parse(stdout) as { Secret: string }).Secret;

describe('a profile per registry', () => {
  it('signs each registry with its rule\'s profile, and keeps their tokens apart', async () => {
    writeConfig({ rules: [{ match: PROD, profile: 'prod' }, { match: '222222222222.dkr.ecr.*.amazonaws.com', profile: 'dev' }] });
    const prod = await runHelper(['get'], PROD, env);
    const dev = await runHelper(['get'], DEV, env);
    expect([prod.code, dev.code]).toEqual([0, 0]);
    expect(ecr.privateCalls().map((c) => c.accessKeyId)).toEqual(['AKIAPRODKEY000000001', 'AKIADEVKEY0000000001']);
    expect(secretOf(prod.stdout)).not.toBe(secretOf(dev.stdout));
    await runHelper(['get'], PROD, env);
    await runHelper(['get'], DEV, env);
    expect(ecr.privateCalls()).toHaveLength(2); // both hits
    const listed = JSON.parse((await runHelper(['list'], 'unused', env)).stdout) as Record<string, string>;
    expect(Object.keys(listed).sort()).toEqual([PROD, DEV]);
  });

  it('leaves hosts without a rule to the default chain', async () => {
    writeConfig({ rules: [{ match: PROD, profile: 'prod' }] });
    await runHelper(['get'], DEV, env);
    expect(ecr.privateCalls().map((c) => c.accessKeyId)).toEqual([env.AWS_ACCESS_KEY_ID]);
  });
});

describe('a role per registry', () => {
  const roleRule = (externalId: string) => ({ rules: [{ match: PROD, roleArn: ROLE, externalId, roleSessionName: 'ecr-login-test', profile: 'prod' }] });

  it('assumes the role with the rule\'s profile, signs ECR with the role, and hits without STS', async () => {
    writeConfig(roleRule('ext-1'));
    expect((await runHelper(['get'], PROD, env)).code).toBe(0);
    expect(ids.stsCalls).toHaveLength(1);
    expect(ids.stsCalls[0]).toMatchObject({ action: 'AssumeRole', roleArn: ROLE, externalId: 'ext-1', roleSessionName: 'ecr-login-test', signingAccessKeyId: 'AKIAPRODKEY000000001' });
    expect(ecr.privateCalls().map((c) => c.accessKeyId)).toEqual([ids.stsCalls[0]!.issued!.accessKeyId]);

    expect((await runHelper(['get'], PROD, env)).code).toBe(0);
    expect(ids.stsCalls).toHaveLength(1);
    expect(ecr.privateCalls()).toHaveLength(1);
  });

  it('signs the STS call for the rule\'s region, and defaults to the registry\'s', async () => {
    writeConfig({ rules: [{ match: PROD, roleArn: ROLE, profile: 'prod', region: 'eu-central-1' }, { match: DEV, roleArn: ROLE, profile: 'dev' }] });
    await runHelper(['get'], PROD, env);
    await runHelper(['get'], DEV, env);
    expect(ids.stsCalls.map((c) => c.region)).toEqual(['eu-central-1', 'us-west-2']);
    expect(ecr.privateCalls().map((c) => c.region)).toEqual(['us-west-2', 'us-west-2']);
  });

  it('misses when the external id changes', async () => {
    writeConfig(roleRule('ext-1'));
    await runHelper(['get'], PROD, env);
    writeConfig(roleRule('ext-2'));
    await runHelper(['get'], PROD, env);
    expect(ids.stsCalls.map((c) => c.externalId)).toEqual(['ext-1', 'ext-2']);
    expect(ecr.privateCalls()).toHaveLength(2);
  });
});

describe('custom hosts', () => {
  it('answer for a pull-through-cache alias with the mapped registry\'s token', async () => {
    writeConfig({ rules: [{ match: 'localhost:5443', registry: PROD }] });
    const run = await runHelper(['get'], 'localhost:5443', env);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ServerURL: 'localhost:5443', Username: 'AWS' });
    expect(ecr.privateCalls().map((c) => c.region)).toEqual(['us-west-2']);
    // The alias and the registry itself share the token of that region.
    expect(secretOf((await runHelper(['get'], PROD, env)).stdout)).toBe(secretOf(run.stdout));
    expect(ecr.privateCalls()).toHaveLength(1);
    expect(JSON.parse((await runHelper(['list'], 'unused', env)).stdout)).toHaveProperty(['localhost:5443']);
    expect(await runHelper(['store'], JSON.stringify({ ServerURL: 'localhost:5443', Username: 'AWS', Secret: 'x' }), env)).toMatchObject({ code: 0, stdout: '' });
  });

  it('answer for an ECR Public alias', async () => {
    writeConfig({ rules: [{ match: 'mirror.example.com', public: true }] });
    expect(JSON.parse((await runHelper(['get'], 'https://mirror.example.com/v2/', env)).stdout)).toMatchObject({ Username: 'AWS' });
    expect(ecr.publicCalls()).toHaveLength(1);
  });

  it('a host without a rule is still not found', async () => {
    writeConfig({ rules: [{ match: 'localhost:5443', registry: PROD }] });
    expect(await runHelper(['get'], 'localhost:5444', env)).toMatchObject({ code: 1, stdout: 'credentials not found in native keychain\n' });
  });
});

describe('a malformed config file', () => {
  it.each([['get', PROD], ['list', 'unused'], ['erase', PROD]])('fails %s with one line naming the file, never silently', async (action, stdin) => {
    writeConfig('{"rules": [ {"match": "a.com", "profil": "x"} ]}');
    const run = await runHelper([action], stdin, env);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(`config file ${configFile}: rule 1: unknown key "profil" (expected one of match, profile, roleArn, externalId, roleSessionName, durationSeconds, region, registry, public)\n`);
    expect(ecr.calls).toHaveLength(0);
  });
});

describe('config check', () => {
  it('shows how each host resolves, without calling AWS', async () => {
    writeConfig({ rules: [{ match: PROD, profile: 'prod' }, { match: 'localhost:5443', registry: '111111111111.dkr.ecr-fips.us-east-1.amazonaws.com' }, { match: '*.dkr.ecr.eu-west-1.amazonaws.com', roleArn: ROLE }] });
    const run = await runHelper(['config', 'check', PROD, 'localhost:5443', '444444444444.dkr.ecr.eu-west-1.amazonaws.com', 'docker.io'], '', { ...env, AWS_ENDPOINT_URL_ECR: undefined });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe(
      [
        `config file ${configFile}: valid, 3 rules`,
        PROD,
        `  rule:     rule 1 ("${PROD}")`,
        `  registry: ${PROD} (account 111111111111, us-west-2, aws)`,
        '  identity: profile "prod"',
        '  endpoint: https://api.ecr.us-west-2.amazonaws.com',
        'localhost:5443',
        '  rule:     rule 2 ("localhost:5443")',
        '  registry: 111111111111.dkr.ecr-fips.us-east-1.amazonaws.com (account 111111111111, us-east-1, aws, FIPS)',
        '  identity: environment variables AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY',
        '  endpoint: https://api.ecr-fips.us-east-1.amazonaws.com',
        '444444444444.dkr.ecr.eu-west-1.amazonaws.com',
        '  rule:     rule 3 ("*.dkr.ecr.eu-west-1.amazonaws.com")',
        '  registry: 444444444444.dkr.ecr.eu-west-1.amazonaws.com (account 444444444444, eu-west-1, aws)',
        `  identity: role ${ROLE} (config file) assumed with environment variables AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY`,
        '  endpoint: https://api.ecr.eu-west-1.amazonaws.com',
        'docker.io',
        '  rule:     no rule',
        '  result:   not an ECR registry: get answers "credentials not found in native keychain"',
        '',
      ].join('\n'),
    );
    expect(ecr.calls).toHaveLength(0);
    expect(ids.total()).toBe(0);
  });

  it('says when there is no config file', async () => {
    const run = await runHelper(['config', 'check'], '', env);
    expect(run).toMatchObject({ code: 0, stdout: `config file ${configFile}: none (optional; AWS_ECR_CONFIG_FILE names another)\n` });
  });

  it('fails on a malformed file with the same line as get, on stderr (it is a command for people)', async () => {
    writeConfig('{"rules": [');
    const run = await runHelper(['config', 'check'], '', env);
    const get = await runHelper(['get'], '123456789012.dkr.ecr.us-west-2.amazonaws.com', env);
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(new RegExp(`^docker-credential-ecr-login: config file ${configFile.replace(/[.]/g, '\\.')}: not valid JSON \\(`));
    expect(run.stderr).toBe(`docker-credential-ecr-login: ${get.stdout}`);
  });
});
