// End to end, with real clients: skopeo and the Docker CLI run the built executable from PATH
// against a real registry (the distribution registry on 127.0.0.1, TLS from a test CA, htpasswd
// auth for user AWS with the password the fake ECR issued). The registry's loopback host is mapped
// to an ECR registry by a config-file rule, as a pull-through cache or corporate alias would be.
// No Docker daemon exists: where the CLI needs one (`docker login HOST` without -u, `docker pull`,
// classic `docker build`), a stand-in on a loopback socket (DOCKER_HOST) records what the CLI sends.
// A recording wrapper named docker-credential-ecr-login shows what each client asked the helper and
// what it answered. Nothing reaches beyond 127.0.0.1, and nothing writes to the real ~/.docker or
// /etc/docker: every client runs with its own HOME, DOCKER_CONFIG, REGISTRY_AUTH_FILE and XDG_* dirs.
// The tests can run alone (-t): each one gets the current token, and pushes the image if it needs it.

import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HELPER_NAME, RecordingHelper, type HelperCall } from './e2e/recording-helper.js';
import { DockerDaemonStandIn } from './fakes/docker-daemon.js';
import { FakeEcr } from './fakes/ecr.js';
import { writeOciImage, type OciImage } from './fakes/oci-image.js';
import { freePort, LocalRegistry, requireTools } from './fakes/registry.js';
import { createTestCa, type TestCa } from './fakes/test-ca.js';
import { HELPER, runHelper, Sandbox, type Env, type Run } from './helpers/helper-process.js';

/** The ECR registry the loopback registry stands in for. */
const ECR_REGISTRY = '123456789012.dkr.ecr.us-west-2.amazonaws.com';
const REPOSITORY = 'e2e/hello';

let fake: FakeEcr;
let box: Sandbox;
let ca: TestCa;
let registry: LocalRegistry;
let daemon: DockerDaemonStandIn;
let helper: RecordingHelper;
let image: OciImage;
/** 127.0.0.1:<port>: the registry, as clients name it and credHelpers keys it. */
let HOST: string;
let configFile: string;
/** A directory on PATH holding only a symlink named docker-credential-ecr-login to the executable. */
let linkBin: string;
const path = (...parts: string[]) => join(box.root, ...parts);

/** Where one client installation keeps its files: a home, a Docker config dir, a containers auth file. */
interface ClientHome {
  home: string;
  dockerConfigDir: string;
  dockerConfig: string;
  authFile: string;
}

function clientHome(name: string): ClientHome {
  const home = path('clients', name, 'home');
  const dockerConfigDir = path('clients', name, 'docker-config');
  for (const dir of [home, dockerConfigDir, path('clients', name, 'containers'), path('clients', name, 'xdg-config'), path('clients', name, 'xdg-data'), path('clients', name, 'xdg-cache'), path('clients', name, 'run'), path('clients', name, 'tmp')]) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }
  return { home, dockerConfigDir, dockerConfig: join(dockerConfigDir, 'config.json'), authFile: path('clients', name, 'containers', 'auth.json') };
}

/** The environment a client runs in: its own files, the test CA, the helper's AWS settings. */
function clientEnv(client: ClientHome, extra: Env = {}): Env {
  const base = join(client.home, '..');
  return box.env(fake.url, {
    PATH: `${helper.binDir}:${process.env.PATH}`,
    HOME: client.home,
    DOCKER_CONFIG: client.dockerConfigDir,
    REGISTRY_AUTH_FILE: client.authFile,
    XDG_CONFIG_HOME: join(base, 'xdg-config'),
    XDG_DATA_HOME: join(base, 'xdg-data'),
    XDG_CACHE_HOME: join(base, 'xdg-cache'),
    XDG_RUNTIME_DIR: join(base, 'run'),
    TMPDIR: join(base, 'tmp'),
    CONTAINERS_REGISTRIES_CONF: path('registries.conf'),
    // Go programs (docker, skopeo) trust exactly the test CA.
    SSL_CERT_FILE: ca.caCertFile,
    // No daemon: a socket that does not exist (never the machine's /var/run/docker.sock).
    DOCKER_HOST: `unix://${path('no-daemon.sock')}`,
    DOCKER_CLI_HINTS: 'false',
    AWS_ECR_CONFIG_FILE: configFile,
    AWS_ECR_LOG_LEVEL: 'debug',
    ...extra,
  });
}

const run = (command: string, args: string[], env: Env, stdin = ''): Promise<Run> => runHelper(args, stdin, env, command);
const skopeo = (args: string[], env: Env) => run('skopeo', ['--policy', path('policy.json'), '--registries.d', path('registries.d'), ...args], env);
const docker = (args: string[], env: Env, stdin = '') => run('docker', args, env, stdin);
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
const imageRef = (tag = 'latest') => `${HOST}/${REPOSITORY}:${tag}`;
const hostOf = (serverURL: string) => serverURL.trim().replace(/^https?:\/\//, '');

/**
 * The password the helper hands out for HOST now (`token HOST`, through the cache). The fake ECR
 * issues a new password per token, and the registry accepts only one: after a token was evicted,
 * the registry learns the new one, as real ECR accepts every token it issued.
 */
async function currentPassword(): Promise<string> {
  const token = await runHelper(['token', HOST], '', clientEnv(clientHome('token')), HELPER);
  expect(token, token.stderr).toMatchObject({ code: 0, stderr: '' });
  expect(token.stdout).toMatch(/^fake-password-[0-9a-f]+\n$/);
  const password = token.stdout.trimEnd();
  expect(fake.issued.map((i) => i.password)).toContain(password);
  if (password !== registryPassword) registry.setPassword(password);
  registryPassword = password;
  return password;
}
let registryPassword: string;

/** What a successful `get` for HOST answers. */
const answerFor = (password: string, serverURL = HOST) => ({ ServerURL: serverURL, Username: 'AWS', Secret: password });
const parsedAnswer = (call: HelperCall) => JSON.parse(call.stdout) as unknown;

/**
 * A setup failure (a missing tool above all) fails every test with its message, rather than
 * leaving them skipped: CI installs the tools, so their absence is an error.
 */
let setupError: unknown;

beforeAll(async () => {
  try {
    await setUp();
  } catch (error) {
    setupError = error;
  }
});

async function setUp(): Promise<void> {
  requireTools({ 'docker-registry': 'Debian package docker-registry', skopeo: 'Debian package skopeo', htpasswd: 'Debian package apache2-utils', docker: 'the Docker CLI', openssl: 'openssl' });
  fake = await new FakeEcr().start();
  box = new Sandbox();
  ca = createTestCa(['127.0.0.1']);
  mkdirSync(path('certs'));
  writeFileSync(path('certs', 'ca.crt'), ca.caCertPem);
  mkdirSync(path('registries.d'));
  writeFileSync(path('registries.conf'), '');
  writeFileSync(path('policy.json'), JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));

  // The host is known before the registry starts: the rule maps it, the token is fetched for it.
  const port = await freePort();
  HOST = `127.0.0.1:${port}`;
  configFile = path('ecr-login.json');
  writeFileSync(configFile, JSON.stringify({ rules: [{ match: HOST, registry: ECR_REGISTRY }] }));

  helper = new RecordingHelper(path('recording'), HELPER);
  linkBin = path('link-bin');
  mkdirSync(linkBin);
  symlinkSync(HELPER, join(linkBin, HELPER_NAME));

  const token = await runHelper(['token', HOST], '', clientEnv(clientHome('token')), HELPER);
  if (token.code !== 0) throw new Error(`token ${HOST} failed (exit ${token.code}): ${token.stderr}${token.stdout}`);
  registryPassword = token.stdout.trimEnd();
  registry = await LocalRegistry.start({ dir: path('registry'), ca, user: 'AWS', password: registryPassword, port });
  image = writeOciImage(path('image'), 'latest', 'hello.txt', `hello from ${HOST} at ${new Date().toISOString()}\n`);
  daemon = await new DockerDaemonStandIn(async (auth) => (await registry.status({ username: auth.username ?? '', password: auth.password ?? '' })) === 200).start();
}

afterAll(async () => {
  helper?.clear(); // the last test's calls, for the secrets scan
  await daemon?.stop();
  await registry?.stop();
  await fake?.stop();
  ca?.remove();
  box?.remove();
});

beforeEach(() => {
  if (setupError) throw setupError;
  helper.clear();
  daemon.requests.length = 0;
});

describe('the test setup', () => {
  it('maps the loopback registry to an ECR registry: `token HOST` fetched that registry\'s token once, and the registry demands it', async () => {
    expect(fake.privateCalls().map((c) => c.region)).toEqual(['us-west-2']);
    expect(await registry.status()).toBe(401);
    expect(await registry.status({ username: 'AWS', password: 'not-the-token' })).toBe(401);
    expect(await registry.status({ username: 'AWS', password: fake.issued[0]!.password })).toBe(200);
  });
});

describe('configure', () => {
  it('adds the mapped host to credHelpers of the Docker config and the containers auth file, keeping what was there', async () => {
    const client = clientHome('configure');
    writeFileSync(client.dockerConfig, '{\n\t"detachKeys": "ctrl-e,e"\n}\n');
    const env = { ...clientEnv(client), PATH: `${linkBin}:${process.env.PATH}` };
    const configure = await runHelper(['configure', '--from-config', '--containers'], '', env, HELPER);
    // No warning: PATH finds this very executable (through a symlink) under the name Docker runs.
    expect(configure, configure.stderr).toMatchObject({ code: 0, stderr: '' });
    expect(readJson(client.dockerConfig)).toEqual({ detachKeys: 'ctrl-e,e', credHelpers: { [HOST]: 'ecr-login' } });
    expect(readJson(client.authFile)).toEqual({ credHelpers: { [HOST]: 'ecr-login' } });
    expect(configure.stdout).toContain(`${client.dockerConfig}: added credHelpers "${HOST}": "ecr-login"`);
    expect(configure.stdout).toContain(`${client.authFile}: added credHelpers "${HOST}": "ecr-login"`);
    // Run again: nothing changes.
    const again = await runHelper(['configure', '--registry', HOST, '--containers'], '', env, HELPER);
    expect(again).toMatchObject({ code: 0, stderr: '' });
    expect(again.stdout).toContain(`credHelpers "${HOST}" is already "ecr-login"`);
    expect(readJson(client.authFile)).toEqual({ credHelpers: { [HOST]: 'ecr-login' } });
  });
});

/** A client whose Docker config and containers auth file were set up by `configure` (tested above). */
async function configuredClient(name: string): Promise<ClientHome> {
  const client = clientHome(name);
  const configure = await runHelper(['configure', '--registry', HOST, '--containers'], '', { ...clientEnv(client), PATH: `${linkBin}:${process.env.PATH}` }, HELPER);
  expect(configure.code, configure.stderr).toBe(0);
  expect(readJson(client.dockerConfig)).toEqual({ credHelpers: { [HOST]: 'ecr-login' } });
  expect(readJson(client.authFile)).toEqual({ credHelpers: { [HOST]: 'ecr-login' } });
  return client;
}

describe('skopeo (containers/image reads credHelpers from the containers auth file)', () => {
  let configured: ClientHome;
  let unconfigured: ClientHome;
  beforeAll(async () => {
    if (setupError) return;
    configured = await configuredClient('skopeo');
    unconfigured = clientHome('skopeo-unconfigured');
  });
  // The configured client's Docker config is left empty: skopeo must find the helper through auth.json.
  const configuredEnv = () => clientEnv(configured, { DOCKER_CONFIG: unconfigured.dockerConfigDir });

  it('copy is refused by the registry when the helper is not configured (negative control), and never runs the helper', async () => {
    const copy = await skopeo(['copy', '--dest-cert-dir', path('certs'), `oci:${image.dir}:latest`, `docker://${imageRef('refused')}`], clientEnv(unconfigured));
    expect(copy.code).toBe(1);
    expect(copy.stderr).toContain('authentication required');
    expect(helper.calls()).toEqual([]);
  });

  it('copy pushes a local OCI image with the helper\'s credentials, and inspect reports the pushed digest', async () => {
    const password = await currentPassword();
    const ecrCalls = fake.calls.length;
    const copy = await skopeo(['copy', '--dest-cert-dir', path('certs'), `oci:${image.dir}:latest`, `docker://${imageRef()}`], configuredEnv());
    expect(copy, copy.stderr).toMatchObject({ code: 0 });
    expect(copy.stdout).toContain('Writing manifest to image destination');

    const inspect = await skopeo(['inspect', '--cert-dir', path('certs'), `docker://${imageRef()}`], configuredEnv());
    expect(inspect, inspect.stderr).toMatchObject({ code: 0 });
    expect(JSON.parse(inspect.stdout)).toMatchObject({ Name: `${HOST}/${REPOSITORY}`, Digest: image.manifestDigest, RepoTags: ['latest'], Layers: [image.layerDigest] });
    const raw = await skopeo(['inspect', '--raw', '--cert-dir', path('certs'), `docker://${imageRef()}`], configuredEnv());
    expect(raw.code).toBe(0);
    expect(raw.stdout.trimEnd()).toBe(image.manifest.toString('utf8'));

    // Every question was `get HOST`, answered with user AWS and the ECR token's password, from the cache.
    const calls = helper.calls();
    expect(calls.length).toBeGreaterThanOrEqual(2);
    for (const call of calls) {
      expect(call).toMatchObject({ args: ['get'], stdin: HOST, code: 0, stderr: '' });
      expect(parsedAnswer(call)).toEqual(answerFor(password));
    }
    expect(fake.calls.length).toBe(ecrCalls);
  });

  it('inspect is refused without the helper configured, though the image is there (negative control)', async () => {
    await currentPassword();
    const inspect = await skopeo(['inspect', '--cert-dir', path('certs'), `docker://${imageRef()}`], clientEnv(unconfigured));
    expect(inspect.code).toBe(1);
    expect(inspect.stderr).toMatch(/authentication required|unauthorized/i);
    expect(helper.calls()).toEqual([]);
  });

  it('after `configure --remove`, skopeo no longer asks the helper and is refused again', async () => {
    const client = await configuredClient('skopeo-removed');
    const remove = await runHelper(['configure', '--registry', HOST, '--containers', '--remove'], '', clientEnv(client), HELPER);
    expect(remove, remove.stderr).toMatchObject({ code: 0, stderr: '' });
    expect(readJson(client.authFile)).toEqual({ credHelpers: {} });
    expect(readJson(client.dockerConfig)).toEqual({ credHelpers: {} });
    const inspect = await skopeo(['inspect', '--cert-dir', path('certs'), `docker://${imageRef()}`], clientEnv(client));
    expect(inspect.code).toBe(1);
    expect(inspect.stderr).toMatch(/authentication required|unauthorized/i);
    expect(helper.calls()).toEqual([]);
  });
});

describe('docker reads credentials through credHelpers', () => {
  let client: ClientHome;
  beforeAll(async () => {
    if (setupError) return;
    client = await configuredClient('docker-read');
  });

  it('`docker manifest inspect` (no daemon) gets them from the helper and reads the pushed manifest from the registry', async () => {
    const password = await currentPassword();
    const ecrCalls = fake.calls.length;
    await pushed();
    helper.clear();
    const inspect = await docker(['manifest', 'inspect', imageRef()], clientEnv(client));
    expect(inspect, inspect.stderr).toMatchObject({ code: 0 });
    expect(JSON.parse(inspect.stdout)).toEqual(JSON.parse(image.manifest.toString('utf8')));
    expect(helper.calls()).toEqual([{ args: ['get'], stdin: HOST, stdout: `${JSON.stringify(answerFor(password))}\n`, stderr: '', code: 0 }]);
    expect(fake.calls.length).toBe(ecrCalls);
  });

  it('`docker pull` sends the helper\'s answer to the daemon as X-Registry-Auth', async () => {
    const password = await currentPassword();
    const pull = await docker(['pull', imageRef()], clientEnv(client, { DOCKER_HOST: daemon.dockerHost }));
    expect(pull, pull.stderr).toMatchObject({ code: 0 });
    expect(helper.calls().map((c) => [c.args[0], c.stdin, c.code])).toEqual([['get', HOST, 0]]);
    expect(daemon.calls()).toMatchObject([{ method: 'POST', path: '/images/create', registryAuth: { username: 'AWS', password, serveraddress: HOST } }]);
    expect(daemon.calls()[0]!.query.get('fromImage')).toBe(`${HOST}/${REPOSITORY}`);
  });
});

describe('docker login and logout', () => {
  let client: ClientHome;
  beforeAll(async () => {
    if (setupError) return;
    client = await configuredClient('docker-login');
  });

  it('`token HOST | docker login --username AWS --password-stdin HOST` logs in client-side at the registry, and docker calls only store', async () => {
    const password = await currentPassword();
    const login = await run('sh', ['-c', `${HELPER_NAME} token "$1" | docker login --username AWS --password-stdin "$1"`, 'sh', HOST], clientEnv(client));
    expect(login, login.stderr).toMatchObject({ code: 0 });
    expect(login.stdout).toContain('Login Succeeded');
    expect(helper.calls()).toEqual([
      { args: ['token', HOST], stdin: '', stdout: `${password}\n`, stderr: '', code: 0 },
      { args: ['store'], stdin: `${JSON.stringify(answerFor(password))}\n`, stdout: '', stderr: '', code: 0 },
    ]);
    expectConsistentLogin(password);
  });

  it('`docker login --password-stdin` with a wrong password is refused by the registry and stores nothing', async () => {
    await currentPassword();
    const login = await docker(['login', '--username', 'AWS', '--password-stdin', HOST], clientEnv(client), 'not-the-token\n');
    expect(login.code).toBe(1);
    expect(login.stderr).toContain('401 Unauthorized');
    expect(helper.calls()).toEqual([]);
  });

  it('`docker login HOST` without a user gets the credentials from the helper, has the daemon check them, then calls store', async () => {
    const password = await currentPassword();
    const login = await docker(['login', HOST], clientEnv(client, { DOCKER_HOST: daemon.dockerHost }));
    expect(login, login.stderr).toMatchObject({ code: 0 });
    expect(login.stdout).toContain('Login Succeeded');
    expect(login.stderr).toContain('Authenticating with existing credentials... [Username: AWS]');
    // The daemon stand-in accepted them only because the registry did.
    expect(daemon.calls()).toEqual([expect.objectContaining({ method: 'POST', path: '/auth', auth: { username: 'AWS', password, serveraddress: HOST } })]);
    expect(helper.calls()).toEqual([
      { args: ['get'], stdin: HOST, stdout: `${JSON.stringify(answerFor(password))}\n`, stderr: '', code: 0 },
      { args: ['store'], stdin: `${JSON.stringify(answerFor(password))}\n`, stdout: '', stderr: '', code: 0 },
    ]);
    expectConsistentLogin(password);
  });

  it('`docker logout HOST` calls erase, which evicts the token; credHelpers stays and the next get fetches a new token', async () => {
    const before = await currentPassword();
    const ecrCalls = fake.privateCalls().length;
    const logout = await docker(['logout', HOST], clientEnv(client));
    expect(logout, logout.stderr).toMatchObject({ code: 0 });
    expect(logout.stdout).toContain(`Removing login credentials for ${HOST}`);
    const calls = helper.calls();
    expect(calls.length).toBeGreaterThanOrEqual(1);
    for (const call of calls) expect(call).toMatchObject({ args: ['erase'], stdout: '', stderr: '', code: 0 });
    expect(new Set(calls.map((c) => hostOf(c.stdin)))).toEqual(new Set([HOST]));

    const config = readJson(client.dockerConfig);
    expect(config.credHelpers).toEqual({ [HOST]: 'ecr-login' });
    expect(config.auths ?? {}).not.toHaveProperty([HOST]);
    expect(readFileSync(client.dockerConfig, 'utf8')).not.toContain(before);

    const after = await currentPassword();
    expect(fake.privateCalls()).toHaveLength(ecrCalls + 1);
    expect(after).not.toBe(before);
  });

  /** After a login: credHelpers still sends HOST to the helper, and no secret was written to the file. */
  function expectConsistentLogin(password: string): void {
    const text = readFileSync(client.dockerConfig, 'utf8');
    expect(text).not.toContain(password);
    const config = JSON.parse(text) as { credHelpers?: unknown; auths?: Record<string, unknown> };
    expect(config.credHelpers).toEqual({ [HOST]: 'ecr-login' });
    expect(config.auths?.[HOST] ?? {}).toEqual({});
  }
});

describe('list, and classic `docker build`\'s fan-out', () => {
  it('every key `list` returns answers `get`', async () => {
    await currentPassword();
    const env = clientEnv(clientHome('list'));
    const list = await runHelper(['list'], 'unused', env, HELPER);
    expect(list).toMatchObject({ code: 0, stderr: '' });
    const listed = JSON.parse(list.stdout) as Record<string, string>;
    expect(listed).toHaveProperty([HOST], 'AWS');
    for (const [serverURL, username] of Object.entries(listed)) {
      const get = await runHelper(['get'], serverURL, env, HELPER);
      expect(get, `get ${serverURL}`).toMatchObject({ code: 0, stderr: '' });
      expect(JSON.parse(get.stdout)).toMatchObject({ ServerURL: serverURL, Username: username });
    }
  });

  it('with credsStore "ecr-login", classic `docker build` lists, gets every listed key, and sends the registry\'s credentials to the daemon', async () => {
    const password = await currentPassword();
    const client = clientHome('build');
    writeFileSync(client.dockerConfig, JSON.stringify({ credsStore: 'ecr-login' }));
    const context = path('build-context');
    mkdirSync(context, { recursive: true });
    writeFileSync(join(context, 'Dockerfile'), `FROM ${imageRef()}\n`);
    const build = await docker(['build', context], clientEnv(client, { DOCKER_HOST: daemon.dockerHost, DOCKER_BUILDKIT: '0' }));
    expect(build, build.stderr).toMatchObject({ code: 0 });

    const calls = helper.calls();
    expect(calls[0]).toMatchObject({ args: ['list'], code: 0, stderr: '' });
    const listed = Object.keys(JSON.parse(calls[0]!.stdout) as Record<string, string>);
    expect(listed).toContain(HOST);
    const gets = calls.slice(1);
    expect(gets.map((c) => c.stdin).sort()).toEqual([...listed].sort());
    for (const get of gets) expect(get).toMatchObject({ args: ['get'], code: 0, stderr: '' });

    const [buildRequest] = daemon.calls();
    expect(buildRequest).toMatchObject({ method: 'POST', path: '/build' });
    expect(buildRequest!.registryConfig?.[HOST]).toEqual({ username: 'AWS', password, serveraddress: HOST });
  });
});

describe('after the whole session', () => {
  it('the helper\'s debug log, shared by every client, names none of the passwords it handed out', () => {
    const log = readFileSync(join(box.cacheDir, 'docker-credential-ecr-login.log'), 'utf8');
    expect(log).toContain(' debug ');
    expect(fake.issued.length).toBeGreaterThanOrEqual(1);
    for (const { password, authorizationToken } of fake.issued) {
      expect(log).not.toContain(password);
      expect(log).not.toContain(authorizationToken);
    }
  });
});

/** The image is in the registry (pushed by the skopeo test, or here with static credentials). */
async function pushed(): Promise<void> {
  const env = clientEnv(clientHome('pusher'));
  const inspect = await skopeo(['inspect', '--raw', '--cert-dir', path('certs'), '--creds', `AWS:${await currentPassword()}`, `docker://${imageRef()}`], env);
  if (inspect.code === 0) return;
  const copy = await skopeo(['copy', '--dest-cert-dir', path('certs'), '--dest-creds', `AWS:${await currentPassword()}`, `oci:${image.dir}:latest`, `docker://${imageRef()}`], env);
  expect(copy, copy.stderr).toMatchObject({ code: 0 });
}
