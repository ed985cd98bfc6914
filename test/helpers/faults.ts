// Helpers for the fault tests: a cache with entries of other keys to prove nothing valid is lost,
// a helper run as another user (root ignores permission bits), and a seeded PRNG.

import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { expect } from 'vitest';
import { entryFileName, parseEntry, SCHEMA, type TokenEntry } from '../../src/cache/entry.js';
import { HELPER, runHelper, type Env, type Run, type SpawnAs } from './helper-process.js';

export const ENTRY_NAME = /^token-[0-9a-f]{32}\.json$/;
export const HOUR = 3_600_000;

export type RunOptions = SpawnAs;

/** runHelper with a working directory or another user (recorded for the secrets scan like every run). */
export function runAs(args: string[], stdin: string, env: Env, options: RunOptions = {}): Promise<Run> {
  return runHelper(args, stdin, env, options.uid === undefined ? HELPER : helperForNobody(), options);
}

let nobodysHelper: string | undefined;

/**
 * The helper where uid 65534 can run it: the build itself, or a copy (with the npm script's cold
 * bundle) in a world-readable temp dir when the build lives below a private dir, as a CI checkout
 * in a `mktemp -d` dir does.
 */
function helperForNobody(): string {
  if (nobodysHelper !== undefined) return nobodysHelper;
  if (spawnSync(HELPER, ['version'], { ...NOBODY, env: { PATH: process.env.PATH } }).status === 0) return (nobodysHelper = HELPER);
  const dir = mkdtempSync(join(tmpdir(), 'ecr-login-nobody-'));
  chmodSync(dir, 0o755);
  for (const file of [HELPER, `${HELPER}-cold.cjs`].filter((path) => existsSync(path))) {
    copyFileSync(file, join(dir, basename(file)));
    chmodSync(join(dir, basename(file)), 0o755);
  }
  copiedHelperDir = dir;
  return (nobodysHelper = join(dir, basename(HELPER)));
}

let copiedHelperDir: string | undefined;

/** Removes the copy helperForNobody may have made (call in afterAll). */
export function removeNobodysHelper(): void {
  if (copiedHelperDir) rmSync(copiedHelperDir, { recursive: true, force: true });
  copiedHelperDir = nobodysHelper = undefined;
}

/** The user to run the helper as when a test needs permission bits to bite: root ignores them. */
export const IS_ROOT = process.getuid?.() === 0;
export const NOBODY = { uid: 65534, gid: 65534 };

/** Why the helper cannot run as nobody here (undefined: it can), e.g. the build is in a dir nobody cannot enter. */
export function cannotRunAsNobody(): string | undefined {
  if (!IS_ROOT) return undefined; // not root: permission bits apply to the runner itself
  const helper = helperForNobody();
  const run = spawnSync(helper, ['version'], { ...NOBODY, env: { PATH: process.env.PATH } });
  return run.status === 0 ? undefined : `the helper ${helper} cannot be run as uid ${NOBODY.uid}: ${String(run.stderr).trim() || run.error?.message}`;
}

/** Hands a tree to nobody when root (so that nobody's helper owns its cache); otherwise a no-op. */
export function giveToRunner(path: string): void {
  if (!IS_ROOT) return;
  chownSync(path, NOBODY.uid, NOBODY.gid);
  if (lstatSync(path).isDirectory()) for (const name of readdirSync(path)) giveToRunner(join(path, name));
}

export const runnerOptions = (): RunOptions => (IS_ROOT ? { ...NOBODY } : {});

/** name -> content of every regular file in a dir (recursively), to prove that nothing changed. */
export function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  if (!existsSync(dir)) return files;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = lstatSync(path);
    if (stat.isDirectory()) for (const [sub, content] of snapshot(path)) files.set(join(name, sub), content);
    else files.set(name, stat.isSymbolicLink() ? `-> symlink` : readFileSync(path, 'latin1'));
  }
  return files;
}

export function tokenFiles(cacheDir: string): string[] {
  return existsSync(cacheDir) ? readdirSync(cacheDir).filter((f) => ENTRY_NAME.test(f)) : [];
}

export function readEntryAt(path: string): TokenEntry {
  return JSON.parse(readFileSync(path, 'utf8')) as TokenEntry;
}

/** Replaces a file the way the helper does (temp + rename), so the test never shows a half-written file. */
export function writeAtomically(path: string, content: string): void {
  writeFileSync(`${path}.test.tmp`, content, { mode: 0o600 });
  renameSync(`${path}.test.tmp`, path);
}

/**
 * Entries of other keys (other regions of the same identity) beside `entry`, as valid as the
 * helper's own: each answers a get for its host without calling ECR. Returns path -> content.
 */
export function plantNeighbours(cacheDir: string, entry: TokenEntry, regions: string[]): Map<string, string> {
  const planted = new Map<string, string>();
  for (const region of regions) {
    const neighbour: TokenEntry = { ...entry, region, hosts: [`123456789012.dkr.ecr.${region}.amazonaws.com`] };
    const path = join(cacheDir, entryFileName(neighbour));
    const content = JSON.stringify(neighbour);
    writeFileSync(path, content, { mode: 0o600 });
    planted.set(path, content);
  }
  return planted;
}

/** Nothing valid lost: every planted entry is still there, byte for byte. */
export function expectUntouched(planted: Map<string, string>): void {
  for (const [path, content] of planted) expect(readFileSync(path, 'utf8'), path).toBe(content);
}

/** Healed: the file is a regular 0600 file holding a well-formed entry of the current schema for its name. */
export function expectHealed(path: string): TokenEntry {
  const stat = lstatSync(path);
  expect(stat.isFile()).toBe(true);
  expect(stat.mode & 0o777).toBe(0o600);
  const entry = parseEntry(readFileSync(path, 'utf8'));
  expect(entry, `${path} holds a valid entry`).toBeDefined();
  expect(entry!.schema).toBe(SCHEMA);
  expect(join(path, '..', entryFileName(entry!))).toBe(path);
  return entry!;
}

/** Every entry file in the dir parses as a current entry of the key its name says. */
export function expectAllEntriesValid(cacheDir: string): void {
  for (const name of tokenFiles(cacheDir)) {
    const entry = parseEntry(readFileSync(join(cacheDir, name), 'utf8'));
    expect(entry, `${name} is a valid entry`).toBeDefined();
    expect(entryFileName(entry!)).toBe(name);
  }
}

/** A successful get: exit 0, stdout exactly the JSON answer. Returns the password. */
export function expectAnswer(run: Run, serverURL: string): string {
  expect(run.code, run.stdout + run.stderr).toBe(0);
  expect(run.stdout.endsWith('\n')).toBe(true);
  const answer = JSON.parse(run.stdout) as { ServerURL: string; Username: string; Secret: string };
  expect(answer).toMatchObject({ ServerURL: serverURL, Username: 'AWS' });
  return answer.Secret;
}

/** Exactly one warning line on stderr, matching `pattern`. */
export function expectOneWarning(run: Run, pattern: RegExp): void {
  const lines = run.stderr.split('\n').filter(Boolean);
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^docker-credential-ecr-login: warning: /);
  expect(lines[0]).toMatch(pattern);
}

/** A failed get as a user must see it: one line on stdout, exit 1, no stack trace. */
export function expectOneCleanLine(run: Run, pattern: RegExp): void {
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(pattern);
  expect(run.stdout.split('\n')).toHaveLength(2);
  expect(run.stdout + run.stderr).not.toMatch(/\n\s+at /);
}

/** Nothing secret in what the helper printed: the test keys, and every password the fake issued. */
export function expectNoSecrets(text: string, env: Env, issued: { password: string; authorizationToken: string }[]): void {
  for (const secret of [env.AWS_SECRET_ACCESS_KEY!, env.AWS_ACCESS_KEY_ID!, ...issued.flatMap((i) => [i.password, i.authorizationToken])]) {
    expect(text).not.toContain(secret);
  }
}

/** mulberry32: a small seeded PRNG, so that a failing random schedule can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
