// The commands a person or a script runs: token, configure, doctor, help. Through the built
// executable; errors on stderr (never stdout), exit 0 / 1 / 2 (usage).

import { existsSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeEcr } from './fakes/ecr.js';
import { FakeIdentityServices } from './fakes/identity.js';
import { HELPER, runHelper, type Env, type Sandbox, useFakeEcrSandbox } from './helpers/helper-process.js';

const ECR_HOST = '123456789012.dkr.ecr.us-west-2.amazonaws.com';
const OTHER_ECR_HOST = '210987654321.dkr.ecr.eu-west-1.amazonaws.com';

let fake: FakeEcr;
let box: Sandbox;
let env: Env;
let dockerConfig: string;
let binDir: string;
/** A PATH with the runtime (the npm script's `#!/usr/bin/env node` needs node) but no helper. */
let pathWithoutHelper: string;
useFakeEcrSandbox((s) => {
  ({ fake, box } = s);
  dockerConfig = join(box.root, 'docker', 'config.json');
  // A PATH on which Docker finds this executable under its protocol name.
  binDir = join(box.root, 'bin');
  mkdirSync(binDir);
  symlinkSync(HELPER, join(binDir, 'docker-credential-ecr-login'));
  pathWithoutHelper = join(box.root, 'node-only');
  mkdirSync(pathWithoutHelper);
  symlinkSync(process.execPath, join(pathWithoutHelper, 'node'));
  env = { ...s.env, DOCKER_CONFIG: join(box.root, 'docker'), XDG_CONFIG_HOME: join(box.root, 'xdg'), PATH: `${binDir}:${process.env.PATH}` };
});

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

describe('token HOST', () => {
  it('prints only the password, the same one get answers, from one ECR call', async () => {
    const token = await runHelper(['token', ECR_HOST], '', env);
    const get = await runHelper(['get'], ECR_HOST, env);
    expect(token).toMatchObject({ code: 0, stderr: '' });
    expect(token.stdout).toBe(`${fake.issued.at(-1)!.password}\n`);
    expect(JSON.parse(get.stdout).Secret).toBe(fake.issued.at(-1)!.password);
    expect(fake.calls).toHaveLength(1);
  });

  it('answers a cached host without calling ECR', async () => {
    await runHelper(['get'], ECR_HOST, env);
    const token = await runHelper(['token', `https://${ECR_HOST}/v2/`], '', env);
    expect(token.stdout).toBe(`${fake.issued.at(-1)!.password}\n`);
    expect(fake.calls).toHaveLength(1);
  });

  it('explains on stderr, with nothing on stdout, that a non-ECR host has no token', async () => {
    const run = await runHelper(['token', 'registry.example.com'], '', env);
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(/^docker-credential-ecr-login: no token for registry\.example\.com: it is not an Amazon ECR registry/);
  });

  it('reports an ECR failure on stderr only, so that nothing is piped on as a password', async () => {
    fake.set({ fail: { status: 400, type: 'AccessDeniedException', message: 'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecr:GetAuthorizationToken' } });
    const run = await runHelper(['token', ECR_HOST], '', env);
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(/not authorized to perform: ecr:GetAuthorizationToken/);
    expect(run.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it.each([[[]], [['a', 'b']]])('is a usage error (exit 2, stderr) with %j', async (rest) => {
    const run = await runHelper(['token', ...rest], '', env);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(/Usage: docker-credential-ecr-login token HOST/);
  });
});

describe('configure', () => {
  it('creates config.json with the credHelpers entries, private to the user', async () => {
    const run = await runHelper(['configure', '--registry', ECR_HOST, '--public'], '', env);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(readJson(dockerConfig)).toEqual({ credHelpers: { [ECR_HOST]: 'ecr-login', 'public.ecr.aws': 'ecr-login' } });
    expect(statSync(dockerConfig).mode & 0o777).toBe(0o600);
    expect(run.stdout).toContain(`${dockerConfig}: added credHelpers "${ECR_HOST}": "ecr-login"`);
    expect(run.stdout).toContain(`${dockerConfig}: created`);
  });

  it('keeps every other key, their order, Docker\'s tab indentation, and the old file as .bak', async () => {
    mkdirSync(join(box.root, 'docker'));
    const original = '{\n\t"auths": {\n\t\t"ghcr.io": {\n\t\t\t"auth": "dXNlcjpwYXNz"\n\t\t}\n\t},\n\t"credHelpers": {\n\t\t"gcr.io": "gcloud"\n\t},\n\t"psFormat": "table {{.ID}}",\n\t"plugins": {\n\t\t"x": {\n\t\t\t"y": "z"\n\t\t}\n\t}\n}';
    writeFileSync(dockerConfig, original, { mode: 0o644 });
    const run = await runHelper(['configure', '--registry', ECR_HOST], '', env);
    expect(run.code).toBe(0);
    const after = readFileSync(dockerConfig, 'utf8');
    expect(after).toBe(original.replace('"gcr.io": "gcloud"\n', `"gcr.io": "gcloud",\n\t\t"${ECR_HOST}": "ecr-login"\n`));
    expect(readFileSync(`${dockerConfig}.bak`, 'utf8')).toBe(original);
    expect(statSync(dockerConfig).mode & 0o777).toBe(0o644); // the user's choice of mode is kept
  });

  it('changes nothing when the entries are already there', async () => {
    await runHelper(['configure', '--registry', ECR_HOST], '', env);
    const before = readFileSync(dockerConfig, 'utf8');
    const run = await runHelper(['configure', '--registry', ECR_HOST], '', env);
    expect(run).toMatchObject({ code: 0, stdout: `${dockerConfig}: credHelpers "${ECR_HOST}" is already "ecr-login"\n` });
    expect(readFileSync(dockerConfig, 'utf8')).toBe(before);
    expect(existsSync(`${dockerConfig}.bak`)).toBe(false);
  });

  it('--remove deletes only this helper\'s entries', async () => {
    mkdirSync(join(box.root, 'docker'));
    writeFileSync(dockerConfig, JSON.stringify({ credHelpers: { [ECR_HOST]: 'ecr-login', [OTHER_ECR_HOST]: 'other-helper' }, auths: {} }, null, '\t'));
    const run = await runHelper(['configure', '--remove', '--registry', ECR_HOST, '--registry', OTHER_ECR_HOST], '', env);
    expect(run.code).toBe(0);
    expect(readJson(dockerConfig)).toEqual({ credHelpers: { [OTHER_ECR_HOST]: 'other-helper' }, auths: {} });
    expect(run.stdout).toContain(`removed credHelpers "${ECR_HOST}"`);
    expect(run.stdout).toContain(`kept credHelpers "${OTHER_ECR_HOST}": "other-helper" (not this helper's)`);
  });

  it('refuses a config.json that is not valid JSON and leaves it untouched', async () => {
    mkdirSync(join(box.root, 'docker'));
    writeFileSync(dockerConfig, '{"auths": {"ghcr.io": {}},');
    const run = await runHelper(['configure', '--registry', ECR_HOST], '', env);
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(new RegExp(`^docker-credential-ecr-login: ${dockerConfig.replace(/[.]/g, '\\.')} is not valid JSON .*left untouched\\n$`));
    expect(readFileSync(dockerConfig, 'utf8')).toBe('{"auths": {"ghcr.io": {}},');
    expect(existsSync(`${dockerConfig}.bak`)).toBe(false);
  });

  it('--dry-run prints the change as a diff and writes nothing', async () => {
    mkdirSync(join(box.root, 'docker'));
    writeFileSync(dockerConfig, '{\n\t"auths": {}\n}\n');
    const run = await runHelper(['configure', '--registry', ECR_HOST, '--dry-run'], '', env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`--- ${dockerConfig}\n+++ ${dockerConfig} (after configure)\n  {\n- \t"auths": {}\n+ \t"auths": {},\n+ \t"credHelpers": {\n+ \t\t"${ECR_HOST}": "ecr-login"\n+ \t}\n  }\n`);
    expect(run.stdout).toMatch(/dry run: nothing was written\n$/);
    expect(readFileSync(dockerConfig, 'utf8')).toBe('{\n\t"auths": {}\n}\n');
  });

  it('--containers also wires auth.json for skopeo and podman ($REGISTRY_AUTH_FILE, else $XDG_CONFIG_HOME)', async () => {
    await runHelper(['configure', '--registry', ECR_HOST, '--containers'], '', env);
    expect(readJson(join(box.root, 'xdg', 'containers', 'auth.json'))).toEqual({ credHelpers: { [ECR_HOST]: 'ecr-login' } });
    const authFile = join(box.root, 'auth.json');
    await runHelper(['configure', '--registry', ECR_HOST, '--containers'], '', { ...env, REGISTRY_AUTH_FILE: authFile });
    expect(readJson(authFile)).toEqual({ credHelpers: { [ECR_HOST]: 'ecr-login' } });
    expect(readJson(dockerConfig)).toEqual({ credHelpers: { [ECR_HOST]: 'ecr-login' } });
  });

  it('--from-config adds the config file\'s exact hosts and says why a wildcard rule cannot be added', async () => {
    const configFile = join(box.root, 'ecr-config.json');
    writeFileSync(configFile, JSON.stringify({ rules: [{ match: 'registry.example.com:5443', registry: ECR_HOST }, { match: '*.dkr.ecr.eu-west-1.amazonaws.com', profile: 'eu' }, { match: OTHER_ECR_HOST, profile: 'other' }] }));
    const run = await runHelper(['configure', '--from-config'], '', { ...env, AWS_ECR_CONFIG_FILE: configFile });
    expect(run.code).toBe(0);
    expect(readJson(dockerConfig)).toEqual({ credHelpers: { 'registry.example.com:5443': 'ecr-login', [OTHER_ECR_HOST]: 'ecr-login' } });
    expect(run.stderr).toMatch(/rule 2 \("\*\.dkr\.ecr\.eu-west-1\.amazonaws\.com"\) is a wildcard/);
  });

  it('refuses a host that is neither ECR nor mapped to ECR, writing nothing', async () => {
    const run = await runHelper(['configure', '--registry', ECR_HOST, '--registry', 'docker.io'], '', env);
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(/docker\.io is not an Amazon ECR registry, and no rule in .* maps it to one/);
    expect(existsSync(dockerConfig)).toBe(false);
  });

  it('writes through a symlinked config.json, which stays a symlink', async () => {
    const real = join(box.root, 'dotfiles-docker-config.json');
    writeFileSync(real, '{}\n');
    mkdirSync(join(box.root, 'docker'));
    symlinkSync(real, dockerConfig);
    await runHelper(['configure', '--registry', ECR_HOST], '', env);
    expect(lstatSync(dockerConfig).isSymbolicLink()).toBe(true);
    expect(readJson(real)).toEqual({ credHelpers: { [ECR_HOST]: 'ecr-login' } });
  });

  it('warns when Docker cannot find the helper on PATH under its name', async () => {
    const run = await runHelper(['configure', '--registry', ECR_HOST], '', { ...env, PATH: pathWithoutHelper });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('docker-credential-ecr-login: warning: docker-credential-ecr-login is not on PATH, so Docker cannot run it: put it (or a link to it named docker-credential-ecr-login) in a directory on PATH\n');
  });

  it('warns when credsStore is this helper already, and when the entry shadows a stored login', async () => {
    mkdirSync(join(box.root, 'docker'));
    writeFileSync(dockerConfig, JSON.stringify({ credsStore: 'ecr-login' }));
    const ours = await runHelper(['configure', '--registry', ECR_HOST], '', env);
    expect(ours.stderr).toMatch(/credsStore is already "ecr-login", so for Docker these entries shadow nothing/);
    writeFileSync(dockerConfig, JSON.stringify({ credsStore: 'desktop', auths: { [OTHER_ECR_HOST]: {} } }));
    const other = await runHelper(['configure', '--registry', OTHER_ECR_HOST], '', env);
    expect(other.stderr).toMatch(new RegExp(`${OTHER_ECR_HOST.replace(/\./g, '\\.')} has a login in credsStore "desktop"; the credHelpers entry now takes precedence`));
  });

  it.each([
    [['configure'], /nothing to configure/],
    [['configure', '--bogus'], /configure: Unknown option '--bogus'/],
    [['configure', '--registry'], /configure: Option '--registry <value>' argument missing/],
    [['configure', 'extra'], /configure: .*extra/],
  ])('is a usage error (exit 2) for %j', async (args, message) => {
    const run = await runHelper(args, '', env);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(message);
    expect(existsSync(dockerConfig)).toBe(false);
  });
});

describe('doctor', () => {
  let ids: FakeIdentityServices;
  beforeAll(async () => {
    ids = await new FakeIdentityServices().start();
  });
  afterAll(() => ids.stop());
  beforeEach(() => ids.reset());

  it('passes every check of a wired-up machine, and shows the cached token\'s expiry but never the token', async () => {
    await runHelper(['configure', '--registry', ECR_HOST], '', env);
    await runHelper(['get'], ECR_HOST, env);
    const run = await runHelper(['doctor', ECR_HOST], '', env);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^docker-credential-ecr-login \S+ doctor for 123456789012\.dkr\.ecr\.us-west-2\.amazonaws\.com\n/);
    for (const check of ['executable', 'config file', 'registry', 'identity', 'docker config', 'containers auth', 'cache dir', 'cached tokens', 'token for host']) {
      expect(run.stdout).toMatch(new RegExp(`^  ok    ${check} `, 'm'));
    }
    expect(run.stdout).toMatch(/us-west-2, environment variables .*: fresh, expires 20\d\d-/);
    expect(run.stdout).toMatch(/\nverdict: ok\n$/);
    expect(run.stdout).not.toContain(fake.issued.at(-1)!.password);
    expect(run.stdout).not.toContain(fake.issued.at(-1)!.authorizationToken);
    expect(fake.calls).toHaveLength(1); // the get's; doctor called nothing
  });

  it('fails, naming the fix, when Docker is not wired for the host; --json says the same', async () => {
    const run = await runHelper(['doctor', ECR_HOST], '', env);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`  FAIL  docker config    ${dockerConfig}: nothing sends ${ECR_HOST} to this helper; run: docker-credential-ecr-login configure --registry ${ECR_HOST}`);
    expect(run.stdout).toMatch(/\nverdict: 1 check failed\n$/);
    const json = await runHelper(['doctor', ECR_HOST, '--json'], '', env);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as { ok: boolean; checks: { check: string; verdict: string }[] };
    expect(report.ok).toBe(false);
    expect(report.checks.filter((c) => c.verdict === 'fail').map((c) => c.check)).toEqual(['docker config']);
  });

  it('reports a malformed config file as a failed check instead of aborting', async () => {
    const configFile = join(box.root, 'ecr-config.json');
    writeFileSync(configFile, '{"rules": [{"match": 5}]}');
    const run = await runHelper(['doctor', ECR_HOST, '--json'], '', { ...env, AWS_ECR_CONFIG_FILE: configFile });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { checks: { check: string; verdict: string; detail: string }[] };
    expect(report.checks.find((c) => c.check === 'config file')).toMatchObject({ verdict: 'fail', detail: expect.stringContaining(`config file ${configFile}: rule 1`) });
  });

  it('fails when PATH does not have the helper', async () => {
    const run = await runHelper(['doctor'], '', { ...env, PATH: pathWithoutHelper });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^  FAIL  executable .*is not on PATH/m);
  });

  it('--online fetches a token and asks STS who the credentials are, without touching the cache', async () => {
    ids.knowSecret(env.AWS_ACCESS_KEY_ID!, env.AWS_SECRET_ACCESS_KEY!);
    await runHelper(['configure', '--registry', ECR_HOST], '', env);
    const run = await runHelper(['doctor', ECR_HOST, '--online'], '', { ...env, AWS_ENDPOINT_URL_STS: ids.url });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^  ok    ecr token +GetAuthorizationToken answered in \d+ ms; the token expires 20\d\d-/m);
    expect(run.stdout).toMatch(/^  ok    caller identity +arn:aws:iam::123456789012:user\/fake \(account 123456789012\)$/m);
    expect(fake.calls).toHaveLength(1);
    expect(ids.stsCalls.map((c) => c.action)).toEqual(['GetCallerIdentity']);
    expect(ids.stsCalls[0]).toMatchObject({ signingAccessKeyId: env.AWS_ACCESS_KEY_ID, signatureVerified: true });
    expect(existsSync(box.cacheDir) ? (await runHelper(['list'], 'unused', env)).stdout : '{}\n').toBe('{}\n');
    expect(run.stdout).not.toContain(fake.issued.at(-1)!.password);
  });

  it('--online fails with ECR\'s reason when ECR refuses', async () => {
    fake.set({ fail: { status: 400, type: 'AccessDeniedException', message: 'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecr:GetAuthorizationToken' } });
    const run = await runHelper(['doctor', ECR_HOST, '--online'], '', { ...env, AWS_ENDPOINT_URL_STS: ids.url });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^  FAIL  ecr token +.*not authorized to perform: ecr:GetAuthorizationToken/m);
  });

  it.each([[['doctor', 'a', 'b']], [['doctor', '--bogus']]])('is a usage error (exit 2) for %j', async (args) => {
    const run = await runHelper(args, '', env);
    expect(run).toMatchObject({ code: 2, stdout: '' });
  });
});

describe('help', () => {
  const commands = ['get', 'store', 'erase', 'list', 'version', 'token', 'configure', 'doctor', 'config', 'help'];

  it.each(commands)('%s --help and help %s print the same usage, exit 0', async (command) => {
    const flag = await runHelper(command === 'config' ? ['config', '--help'] : [command, '--help'], '', env);
    const help = await runHelper(['help', command], '', env);
    expect(flag).toMatchObject({ code: 0, stderr: '' });
    expect(flag.stdout).toMatch(new RegExp(`^Usage: (echo .* \\| )?docker-credential-ecr-login ${command}`));
    expect(help.stdout).toBe(flag.stdout);
  });

  it('names an unknown command (exit 2)', async () => {
    const run = await runHelper(['help', 'frobnicate'], '', env);
    expect(run).toMatchObject({ code: 2, stdout: '', stderr: 'docker-credential-ecr-login: no such command: frobnicate (see: docker-credential-ecr-login --help)\n' });
  });

  it('is documented: every command in the man page and the README', () => {
    const man = readFileSync('docs/docker-credential-ecr-login.1', 'utf8');
    const readme = readFileSync('README.md', 'utf8');
    for (const command of commands) {
      expect(man).toMatch(new RegExp(`^\\.(SS|TP|B).*\\b${command}\\b`, 'm'));
      expect(readme).toContain(`docker-credential-ecr-login ${command}`);
    }
  });
});
