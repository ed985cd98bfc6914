// Faults, through the built executable over the real protocol: a damaged cache, an unusable cache
// dir or home, ECR misbehaving while a token is cached, a clock that jumps, helpers killed with
// SIGKILL mid-refresh. Each test asserts that the get answers (or fails with one clean line), that
// the cache heals, and that entries of other keys survive byte for byte.
//
// Covered elsewhere, not repeated here: a lone entry of garbage, a truncated one and {"schema":99}
// (cache.process "damaged cache"); the cache dir path taken by a file (cache.process); the error
// lines for ECR failures on an empty cache (failures.process); a crashed holder's lock and a live
// holder at AWS_ECR_TIMEOUT (cache.process "locks"). Symlinks, ownership and modes:
// cache-security.process.

import { spawn } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCK_STALE_MS } from '../src/cache/lock.js';
import type { TokenEntry } from '../src/cache/entry.js';
import { FakeEcr, type Behaviour } from './fakes/ecr.js';
import { cannotRunAsNobody, expectAllEntriesValid, expectAnswer, expectHealed, expectNoSecrets, expectOneCleanLine, expectOneWarning, expectUntouched, giveToRunner, HOUR, plantNeighbours, readEntryAt, removeNobodysHelper, runAs, runnerOptions, seededRandom, sleep, snapshot, tokenFiles, writeAtomically } from './helpers/faults.js';
import { HELPER, runHelper, Sandbox, type Env, useFakeEcrSandbox } from './helpers/helper-process.js';

const HOST = '123456789012.dkr.ecr.us-west-2.amazonaws.com';
const NEIGHBOUR_REGIONS = ['eu-west-1', 'ap-south-1'];
const neighbourHost = (region: string) => `123456789012.dkr.ecr.${region}.amazonaws.com`;
const b64 = (text: string) => Buffer.from(text).toString('base64');
const passwordOf = (entry: TokenEntry) => Buffer.from(entry.authorizationToken, 'base64').toString('utf8').slice('AWS:'.length);

let fake: FakeEcr;
let box: Sandbox;
let env: Env;
useFakeEcrSandbox((s) => ({ fake, box, env } = s));

/** A cache holding HOST's entry (fetched by the helper) and valid entries of two other regions. */
async function cacheWithNeighbours(): Promise<{ file: string; entry: TokenEntry; text: string; neighbours: Map<string, string> }> {
  expectAnswer(await runHelper(['get'], HOST, env), HOST);
  const file = join(box.cacheDir, tokenFiles(box.cacheDir)[0]!);
  const text = readFileSync(file, 'utf8');
  const entry = JSON.parse(text) as TokenEntry;
  return { file, entry, text, neighbours: plantNeighbours(box.cacheDir, entry, NEIGHBOUR_REGIONS) };
}

/** The planted entries still answer their hosts from the cache (no ECR call). */
async function expectNeighboursStillHit(neighbours: Map<string, string>): Promise<void> {
  const calls = fake.calls.length;
  for (const region of NEIGHBOUR_REGIONS) expectAnswer(await runHelper(['get'], neighbourHost(region), env), neighbourHost(region));
  expect(fake.calls.length).toBe(calls);
  expectUntouched(neighbours);
}

describe('a damaged entry is a miss, is rewritten, and leaves the other entries alone', () => {
  const damages: [string, (e: TokenEntry, text: string) => string | Buffer][] = [
    ['an empty file', () => ''],
    ['NUL bytes (a crash before the data reached the disk)', (_e, text) => Buffer.alloc(text.length)],
    ['JSON cut in half', (_e, text) => text.slice(0, Math.floor(text.length / 2))],
    ['JSON missing its last byte', (_e, text) => text.slice(0, -1)],
    ['invalid UTF-8', () => Buffer.from([0x7b, 0xff, 0xfe, 0x7d])],
    ['JSON null', () => 'null'],
    ['a JSON array', () => '[]'],
    ['a future schema version, otherwise complete', (e) => JSON.stringify({ ...e, schema: 2, refreshToken: 'x' })],
    ['the entry of another key (a file copied from another region)', (e) => JSON.stringify({ ...e, region: 'eu-central-1' })],
    ['a token without a colon', (e) => JSON.stringify({ ...e, authorizationToken: b64('AWSnocolon') })],
    ['a non-numeric expiresAt', (e) => JSON.stringify({ ...e, expiresAt: 'tomorrow' })],
    ['hosts that are not a list', (e) => JSON.stringify({ ...e, hosts: HOST })],
  ];

  it.each(damages)('%s', async (_label, damage) => {
    const { file, entry, text, neighbours } = await cacheWithNeighbours();
    writeFileSync(file, damage(entry, text));

    const run = await runHelper(['get'], HOST, env);
    expect(expectAnswer(run, HOST)).toBe(fake.issued.at(-1)!.password); // a new token, not the damaged one
    expect(run.stderr).toBe('');
    expect(fake.privateCalls()).toHaveLength(2);
    expect(expectHealed(file).authorizationToken).toBe(fake.issued.at(-1)!.authorizationToken);
    await expectNeighboursStillHit(neighbours);
  });
});

describe("something else in an entry's place", () => {
  it('an empty directory is replaced by the entry', async () => {
    const { file, neighbours } = await cacheWithNeighbours();
    rmSync(file);
    mkdirSync(file);

    const run = await runHelper(['get'], HOST, env);
    expectAnswer(run, HOST);
    expect(run.stderr).toBe('');
    expectHealed(file);
    await expectNeighboursStillHit(neighbours);
  });

  it('a directory with something in it is answered around, with one warning, and left alone', async () => {
    const { file, neighbours } = await cacheWithNeighbours();
    rmSync(file);
    mkdirSync(file);
    writeFileSync(join(file, 'keep-me'), 'not ours to delete');

    const run = await runHelper(['get'], HOST, env);
    expectAnswer(run, HOST);
    expectOneWarning(run, new RegExp(`cannot write the token cache in ${box.cacheDir} \\(${file} is a directory with files in it: remove it\\); the token is used but not kept$`));
    expect(readFileSync(join(file, 'keep-me'), 'utf8')).toBe('not ours to delete');
    expectNoSecrets(run.stderr, env, fake.issued);
    await expectNeighboursStillHit(neighbours);
  });

  it('a FIFO does not hang the get, and is replaced by the entry', async () => {
    const { file, neighbours } = await cacheWithNeighbours();
    rmSync(file);
    await new Promise<void>((resolve, reject) => spawn('mkfifo', [file]).on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`mkfifo: ${code}`)))));
    expect(lstatSync(file).isFIFO()).toBe(true);

    const run = await runHelper(['get'], HOST, { ...env, AWS_ECR_TIMEOUT: '5' });
    expectAnswer(run, HOST);
    expect(run.stderr).toBe('');
    expectHealed(file);
    await expectNeighboursStillHit(neighbours);
  });
});

describe('an unusable cache dir or home: the get answers without a cache, with one warning', () => {
  const skip = cannotRunAsNobody();
  afterAll(removeNobodysHelper);
  if (skip) console.log(`skipped (permission bits): ${skip}`);

  it.skipIf(skip)('a read-only cache dir still serves its entries, and a miss is fetched without writing', async () => {
    // Root ignores permission bits: when root, the helper runs as nobody, who owns the cache.
    const { neighbours } = await cacheWithNeighbours();
    giveToRunner(box.root);
    chmodSync(box.cacheDir, 0o500);
    // Files that exist stay writable in a read-only dir: the log may grow. Nothing else may change.
    const withoutLog = () => new Map([...snapshot(box.cacheDir)].filter(([name]) => !name.endsWith('.log')));
    const before = withoutLog();
    const as = runnerOptions();

    const hit = await runAs(['get'], neighbourHost('eu-west-1'), env, as);
    expectAnswer(hit, neighbourHost('eu-west-1'));
    expect(hit.stderr).toBe('');
    expect(fake.privateCalls()).toHaveLength(1);

    const miss = await runAs(['get'], neighbourHost('sa-east-1'), env, as);
    expectAnswer(miss, neighbourHost('sa-east-1'));
    expectOneWarning(miss, /^docker-credential-ecr-login: warning: cannot lock the cache entry in \S+ \(EACCES\); continuing without a cache$/);
    expect(fake.privateCalls()).toHaveLength(2);
    expect(withoutLog()).toEqual(before);
    expectUntouched(neighbours);
  });

  it.skipIf(skip)('a read-only home (the default cache dir cannot be created)', async () => {
    const { AWS_ECR_CACHE_DIR: _c, ...homeOnly } = env;
    giveToRunner(box.root);
    chmodSync(box.home, 0o500);

    const run = await runAs(['get'], HOST, homeOnly, runnerOptions());
    expectAnswer(run, HOST);
    expectOneWarning(run, new RegExp(`cache dir ${box.home}/\\.cache/docker-credential-ecr-login is not usable \\(EACCES\\); continuing without a cache$`));
    expect(readdirSync(box.home)).toEqual([]);
  });

  // os.homedir() would fall back to the passwd entry (/root here): a cache there is not this environment's.
  const passwdCache = join(userInfo().homedir, '.cache', 'docker-credential-ecr-login');
  const noHomes: [string, Env][] = [
    ['HOME unset', {}],
    ['HOME empty', { HOME: '' }],
    ['HOME relative', { HOME: 'home' }],
  ];
  it.each(noHomes)('%s: no cache, not even in the passwd home or the working directory', async (_label, home) => {
    const { HOME: _h, AWS_ECR_CACHE_DIR: _c, ...noHome } = env;
    const passwdBefore = snapshot(passwdCache);
    const first = await runAs(['get'], HOST, { ...noHome, ...home }, { cwd: box.root });
    const second = await runAs(['get'], HOST, { ...noHome, ...home }, { cwd: box.root });
    for (const run of [first, second]) {
      expectAnswer(run, HOST);
      expectOneWarning(run, /^docker-credential-ecr-login: warning: HOME is not set \(or not an absolute path\) and neither AWS_ECR_CACHE_DIR nor XDG_CACHE_HOME is set; continuing without a cache \(every get calls ECR\)$/);
      expectNoSecrets(run.stderr, env, fake.issued);
    }
    expect(fake.privateCalls()).toHaveLength(2);
    expect(readdirSync(box.root).sort()).toEqual(['home']); // nothing relative to the working directory
    expect(readdirSync(box.home)).toEqual([]);
    expect(snapshot(passwdCache)).toEqual(passwdBefore);
  });

  it('HOME unset and AWS_ECR_CACHE_DIR=~/...: no cache, rather than the passwd home', async () => {
    const { HOME: _h, ...noHome } = env;
    const run = await runAs(['get'], HOST, { ...noHome, AWS_ECR_CACHE_DIR: '~/.ecr' }, { cwd: box.root });
    expectAnswer(run, HOST);
    expectOneWarning(run, /HOME is not set \(or not an absolute path\) and AWS_ECR_CACHE_DIR \(~\/\.ecr\) is relative to it; continuing without a cache/);
  });

  it('HOME unset but XDG_CACHE_HOME set: the cache lives there', async () => {
    const { HOME: _h, AWS_ECR_CACHE_DIR: _c, ...noHome } = env;
    const xdg = { ...noHome, XDG_CACHE_HOME: join(box.root, 'xdg') };
    expectAnswer(await runAs(['get'], HOST, xdg, { cwd: box.root }), HOST);
    const hit = await runAs(['get'], HOST, xdg, { cwd: box.root });
    expectAnswer(hit, HOST);
    expect(hit.stderr).toBe('');
    expect(fake.privateCalls()).toHaveLength(1);
    expect(tokenFiles(join(box.root, 'xdg', 'docker-credential-ecr-login'))).toHaveLength(1);
  });
});

describe('ECR misbehaving when the cached token is due for refresh but still valid', () => {
  const TIMEOUT = '2';
  const token = b64('AWS:pw');
  const faults: [string, Partial<Behaviour>][] = [
    ['500 ServerException', { fail: { status: 500, type: 'ServerException', message: 'internal error' } }],
    ['throttling', { fail: { status: 400, type: 'ThrottlingException', message: 'Rate exceeded' } }],
    ['hanging past the deadline', { delayMs: 4_000 }],
    ['malformed JSON', { rawBody: '{"authorizationData":[{"authorizationToken":' }],
    ['an HTML page', { rawBody: '<html><body>502 Bad Gateway</body></html>' }],
    ['an empty authorizationData', { rawBody: '{"authorizationData":[]}' }],
    ['no authorizationData', { rawBody: '{}' }],
    ['a token without ":"', { rawBody: `{"authorizationData":[{"authorizationToken":"${b64('AWSnocolon')}","expiresAt":1895397070}]}` }],
    ['a non-numeric expiresAt', { rawBody: `{"authorizationData":[{"authorizationToken":"${token}","expiresAt":"soon"}]}` }],
    ['no expiresAt', { rawBody: `{"authorizationData":[{"authorizationToken":"${token}"}]}` }],
    ['an expiresAt already past', { rawBody: `{"authorizationData":[{"authorizationToken":"${token}","expiresAt":1000000000}]}` }],
  ];

  it.each(faults)('%s: the cached token is served with one warning, and kept', async (_label, behaviour) => {
    const { file, entry, neighbours } = await cacheWithNeighbours();
    const due = { ...entry, fetchedAt: Date.now() - 8 * HOUR, expiresAt: Date.now() + 4 * HOUR };
    writeAtomically(file, JSON.stringify(due));
    const dueText = readFileSync(file, 'utf8');
    fake.set(behaviour);

    const run = await runHelper(['get'], HOST, { ...env, AWS_ECR_TIMEOUT: TIMEOUT });
    expect(expectAnswer(run, HOST)).toBe(passwordOf(entry));
    expectOneWarning(run, /could not refresh the ECR token \((ECR in us-west-2 |timed out after 2s ).+\); using the cached one, valid until \S+$/);
    expectNoSecrets(run.stderr, env, fake.issued);
    expect(readFileSync(file, 'utf8')).toBe(dueText); // not replaced by what ECR sent
    expectUntouched(neighbours);

    fake.reset(); // ECR recovers: the next get refreshes
    const next = await runHelper(['get'], HOST, env);
    // Calls and stderr first: they say what happened if the answer is not the new token.
    expect(fake.privateCalls().length, next.stderr).toBe(1);
    expect(next.stderr).toBe('');
    expect(expectAnswer(next, HOST)).toBe(fake.issued.at(-1)!.password);
    expectHealed(file);
    await expectNeighboursStillHit(neighbours);
  });

  it.each(faults)('%s, and the cached token expired: one clean error line, nothing cached from it', async (_label, behaviour) => {
    const { file, neighbours } = await cacheWithNeighbours();
    writeAtomically(file, JSON.stringify({ ...readEntryAt(file), fetchedAt: Date.now() - 13 * HOUR, expiresAt: Date.now() - HOUR }));
    const expiredText = readFileSync(file, 'utf8');
    fake.set(behaviour);

    const run = await runHelper(['get'], HOST, { ...env, AWS_ECR_TIMEOUT: TIMEOUT });
    expectOneCleanLine(run, /^(ECR in us-west-2 |timed out after 2s getting a token from 127\.0\.0\.1)/);
    expectNoSecrets(run.stdout + run.stderr, env, fake.issued);
    expect(readFileSync(file, 'utf8')).toBe(expiredText);
    expectAllEntriesValid(box.cacheDir);
    await expectNeighboursStillHit(neighbours);
  });
});

describe('a clock that jumps (the cache records wall-clock times; these are the states a jump leaves)', () => {
  it('set back: a token fetched "in the future" is refreshed, and served if ECR fails', async () => {
    const { file, entry, neighbours } = await cacheWithNeighbours();
    // The clock went back an hour after this token was fetched: its remaining life cannot be trusted.
    const fromTheFuture = { ...readEntryAt(file), fetchedAt: Date.now() + HOUR, expiresAt: Date.now() + 13 * HOUR };
    writeAtomically(file, JSON.stringify(fromTheFuture));
    fake.set({ fail: { status: 500, type: 'ServerException', message: 'internal error' } });
    const served = await runHelper(['get'], HOST, env);
    expect(expectAnswer(served, HOST)).toBe(passwordOf(entry));
    expectOneWarning(served, /could not refresh the ECR token/);

    fake.set({ fail: undefined });
    const refreshed = await runHelper(['get'], HOST, env);
    expect(expectAnswer(refreshed, HOST)).toBe(fake.issued.at(-1)!.password);
    expect(expectHealed(file).fetchedAt).toBeLessThanOrEqual(Date.now());
    expectUntouched(neighbours);
  });

  it('jumped forward past the expiry: the token is never served, and is refreshed', async () => {
    const { file, neighbours } = await cacheWithNeighbours();
    writeAtomically(file, JSON.stringify({ ...readEntryAt(file), fetchedAt: Date.now() - 20 * HOUR, expiresAt: Date.now() - 8 * HOUR }));
    fake.set({ fail: { status: 500, type: 'ServerException', message: 'internal error' } });
    expectOneCleanLine(await runHelper(['get'], HOST, env), /^ECR in us-west-2 failed/);
    fake.set({ fail: undefined });
    expect(expectAnswer(await runHelper(['get'], HOST, env), HOST)).toBe(fake.issued.at(-1)!.password);
    expectHealed(file);
    expectUntouched(neighbours);
  });

  it('set back after a holder crashed: its lock, stamped in the future, is taken over at once', async () => {
    const { file, neighbours } = await cacheWithNeighbours();
    writeAtomically(file, JSON.stringify({ ...readEntryAt(file), fetchedAt: Date.now() - 13 * HOUR, expiresAt: Date.now() - HOUR }));
    mkdirSync(`${file}.lock`);
    const ahead = new Date(Date.now() + HOUR);
    utimesSync(`${file}.lock`, ahead, ahead);

    const run = await runHelper(['get'], HOST, env); // before the fix: waits for AWS_ECR_TIMEOUT (20 s), then fails
    expectAnswer(run, HOST);
    expect(run.ms).toBeLessThan(3_000);
    expectHealed(file);
    expectUntouched(neighbours);
  });

  it('jumped forward while a holder is alive: its lock looks stale and is taken over; both answer, the cache stays valid', async () => {
    const { file, neighbours } = await cacheWithNeighbours();
    writeAtomically(file, JSON.stringify({ ...readEntryAt(file), fetchedAt: Date.now() - 13 * HOUR, expiresAt: Date.now() - HOUR }));
    fake.set({ delayMs: 1_500 });
    const holder = runHelper(['get'], HOST, env);
    const lock = `${file}.lock`;
    while (!existsSync(lock)) await sleep(5);
    // What a clock 1 minute ahead sees: a lock not refreshed for a minute.
    const behind = new Date(Date.now() - 60_000);
    utimesSync(lock, behind, behind);
    const taker = await runHelper(['get'], HOST, env);
    expectAnswer(taker, HOST);
    expectAnswer(await holder, HOST);
    expect(fake.privateCalls().length).toBeLessThanOrEqual(3); // the planting get, and at most one each
    expectHealed(file);
    expectUntouched(neighbours);
  });
});

describe('helpers killed with SIGKILL at random points of a refresh', () => {
  const ITERATIONS = 50;

  it(`${ITERATIONS} kills in a row: the cache stays parseable, nothing valid is lost, the next get succeeds`, async () => {
    const seed = Number(process.env.FAULTS_SEED ?? Date.now() % 2 ** 31);
    const random = seededRandom(seed);
    console.log(`SIGKILL loop: seed ${seed} (FAULTS_SEED=${seed} replays it), ${HELPER}`);
    const { file, neighbours } = await cacheWithNeighbours();
    fake.set({ delayMs: 30 }); // an ECR round trip: the kill can land before, during or after it
    const expire = () => {
      const expired = JSON.stringify({ ...readEntryAt(file), fetchedAt: Date.now() - 13 * HOUR, expiresAt: Date.now() - HOUR });
      writeAtomically(file, expired);
      return expired;
    };
    // Kill points spread over a whole refresh, however fast this artifact and this machine are:
    // from 0 to a bit past the slowest of three uninterrupted refreshes (at least 300 ms).
    const refreshes: number[] = [];
    for (let i = 0; i < 3; i++) {
      expire();
      const run = await runHelper(['get'], HOST, env);
      expectAnswer(run, HOST);
      refreshes.push(run.ms);
    }
    const maxKillDelay = Math.max(300, Math.round(1.2 * Math.max(...refreshes)));
    const lock = `${file}.lock`;
    const outcomes = { answeredBeforeKill: 0, killedBeforeEcrCall: 0, killedAfterEcrCall: 0, leftLock: 0, entryReplaced: 0 };
    const orphans = new Set<string>(); // temp files of victims killed between write and rename
    const delays: number[] = [];
    const started = Date.now();

    for (let i = 0; i < ITERATIONS; i++) {
      // Each helper must refresh: the entry has expired. A lock left by the previous victim is aged,
      // so that this one reclaims it at once (the real 5 s reclaim is measured in the next test).
      const expired = expire();
      if (existsSync(lock)) {
        outcomes.leftLock++;
        utimesSync(lock, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
      }
      const calls = fake.calls.length;
      const delay = Math.floor(random() * (maxKillDelay + 1));
      delays.push(delay);

      const child = spawn(HELPER, ['get'], { env: env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'ignore'] });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stdin.on('error', () => undefined);
      child.stdin.end(HOST);
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      const early = await Promise.race([exited, sleep(delay).then(() => 'kill' as const)]);
      if (early === 'kill') {
        child.kill('SIGKILL');
        await exited;
        if (fake.calls.length > calls) outcomes.killedAfterEcrCall++;
        else outcomes.killedBeforeEcrCall++;
      } else {
        expect(early, `iteration ${i} (seed ${seed})`).toBe(0);
        expectAnswer({ code: 0, stdout, stderr: '', ms: 0 }, HOST);
        outcomes.answeredBeforeKill++;
      }

      // Only whole entries, ever: the victim's half-written data can only be in a temp file.
      expectAllEntriesValid(box.cacheDir);
      expectUntouched(neighbours);
      const now = readFileSync(file, 'utf8');
      if (now !== expired) {
        outcomes.entryReplaced++;
        expect(expectHealed(file).expiresAt).toBeGreaterThan(Date.now());
      }
      for (const name of readdirSync(box.cacheDir)) if (name.endsWith('.tmp')) orphans.add(name);
    }
    const loopMs = Date.now() - started;

    // Whatever the last victim left (possibly a fresh lock: up to LOCK_STALE_MS to reclaim), a get succeeds.
    const last = await runHelper(['get'], HOST, env);
    expectAnswer(last, HOST);
    expect(last.ms).toBeLessThan(LOCK_STALE_MS + 1_000 + 2_500); // see the next test
    expectHealed(file);
    await expectNeighboursStillHit(neighbours);
    const listed = JSON.parse((await runHelper(['list'], 'unused', env)).stdout) as Record<string, string>;
    expect(Object.keys(listed).sort()).toEqual([HOST, ...NEIGHBOUR_REGIONS.map(neighbourHost)].sort());
    console.log(
      `SIGKILL loop: ${ITERATIONS} iterations in ${loopMs} ms, uninterrupted refreshes ${refreshes.join('/')} ms, kill delays ${Math.min(...delays)}..${Math.max(...delays)} ms (drawn from 0..${maxKillDelay}), ` +
        `${JSON.stringify({ ...outcomes, orphanTempFiles: orphans.size })}; the get after it: ${last.ms} ms`,
    );
  }, 120_000);

  // proper-lockfile stamps a new lock up to 1 s ahead (it rounds the first mtime up to probe the
  // filesystem's precision), then re-stamps it every LOCK_STALE_MS / 2 with the current time. A dead
  // holder's lock is therefore taken over LOCK_STALE_MS after its last stamp: 5-6 s after it was
  // taken, 2.5-6 s after the crash.
  it(`a holder killed while holding the lock: the lock is reclaimed ${LOCK_STALE_MS / 1000} s after its last stamp, never earlier`, async () => {
    const { file, neighbours } = await cacheWithNeighbours();
    writeAtomically(file, JSON.stringify({ ...readEntryAt(file), fetchedAt: Date.now() - 13 * HOUR, expiresAt: Date.now() - HOUR }));
    fake.set({ delayMs: 10_000 });
    const child = spawn(HELPER, ['get'], { env: env as NodeJS.ProcessEnv, stdio: ['pipe', 'ignore', 'ignore'] });
    child.stdin.end(HOST);
    const exited = new Promise((resolve) => child.on('close', resolve));
    while (fake.calls.length < 2) await sleep(5); // it holds the lock and waits for ECR
    const stampedAt = statSync(`${file}.lock`).mtimeMs;
    child.kill('SIGKILL');
    await exited;
    const killedAt = Date.now();
    fake.set({ delayMs: 0 });

    const run = await runHelper(['get'], HOST, env);
    const answeredAt = Date.now();
    console.log(
      `stale lock: a get started at the kill answered ${answeredAt - killedAt} ms after it, ${answeredAt - stampedAt} ms after the victim's lock stamp ` +
        `(stamped ${Math.round(stampedAt - killedAt)} ms after the kill, rounded up by proper-lockfile); LOCK_STALE_MS ${LOCK_STALE_MS}`,
    );
    expectAnswer(run, HOST);
    expect(answeredAt - stampedAt).toBeGreaterThanOrEqual(LOCK_STALE_MS); // a lock only counts as dead after LOCK_STALE_MS
    expect(answeredAt - stampedAt).toBeLessThan(LOCK_STALE_MS + 1_500); // and is taken over promptly then
    expect(answeredAt - killedAt).toBeLessThan(LOCK_STALE_MS + 1_000 + 1_500);
    expect(fake.privateCalls()).toHaveLength(3);
    expectHealed(file);
    expectUntouched(neighbours);
  }, 30_000);
});
