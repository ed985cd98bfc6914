// Runs the built executable over the real protocol: argv, stdin, stdout, stderr, exit code.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { FakeEcr } from '../fakes/ecr.js';
import { harvest, recordRun, watchDir } from './secrets-scan.js';

/** The artifact under test: the single executable unless HELPER_UNDER_TEST names another. */
export const HELPER = resolve(process.env.HELPER_UNDER_TEST ?? 'dist/docker-credential-ecr-login');
/** The npm package's bin (a Node script with its cold bundle beside it). */
export const NPM_SCRIPT = resolve('dist/npm/docker-credential-ecr-login');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export type Env = Record<string, string | undefined>;

/** Where and as whom to run it (uid/gid need a root test runner). */
export interface SpawnAs {
  cwd?: string;
  uid?: number;
  gid?: number;
}

export function runHelper(args: string[], stdin: string | Buffer, env: Env, executable = HELPER, as: SpawnAs = {}): Promise<Run> {
  const started = Date.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(executable, args, { env: env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'], ...as });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const run = { code, stdout, stderr, ms: Date.now() - started };
      recordRun(executable, args, env, run); // for the secrets scan (test/helpers/secrets-scan.ts)
      resolvePromise(run);
    });
    child.stdin.on('error', () => undefined); // the helper may exit without reading stdin
    child.stdin.end(stdin);
  });
}

/** A private home, cache dir and AWS config for one test, and an environment that uses them. */
export class Sandbox {
  readonly root = mkdtempSync(join(tmpdir(), 'ecr-login-test-'));
  readonly home = join(this.root, 'home');
  readonly cacheDir = join(this.root, 'cache');

  constructor() {
    mkdirSync(this.home, { recursive: true });
    watchDir(this.root);
  }

  /**
   * Static test credentials, the fake's endpoints, and nothing from the developer's machine. The log
   * level is debug, the most verbose, so that the secrets scan sees everything the helper can log.
   */
  env(fakeUrl: string, extra: Env = {}): Env {
    return {
      PATH: process.env.PATH,
      HOME: this.home,
      AWS_ECR_CACHE_DIR: this.cacheDir,
      AWS_ENDPOINT_URL_ECR: fakeUrl,
      AWS_ENDPOINT_URL_ECR_PUBLIC: fakeUrl,
      AWS_ACCESS_KEY_ID: 'AKIAFAKETESTKEY00001',
      AWS_SECRET_ACCESS_KEY: 'fake-secret-key-do-not-log-0000000000001',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: join(this.home, 'aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(this.home, 'aws-credentials'),
      AWS_ECR_LOG_LEVEL: 'debug',
      ...extra,
    };
  }

  remove(): void {
    harvest(this.root); // its log files, for the secrets scan
    rmSync(this.root, { recursive: true, force: true });
  }
}

export interface FakeEcrSandbox {
  fake: FakeEcr;
  box: Sandbox;
  env: Env;
}

/**
 * Registers the hooks most process-level test files share: one fake ECR for the file, and for each
 * test a reset fake, a fresh sandbox and its environment (plus `extraEnv`), handed to `receive`.
 */
export function useFakeEcrSandbox(receive: (s: FakeEcrSandbox) => void, extraEnv: Env = {}): void {
  let fake: FakeEcr;
  let box: Sandbox;
  beforeAll(async () => {
    fake = await new FakeEcr().start();
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.reset();
    box = new Sandbox();
    receive({ fake, box, env: box.env(fake.url, extraEnv) });
  });
  afterEach(() => box.remove());
}
