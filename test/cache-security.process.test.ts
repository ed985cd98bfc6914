// The cache holds credentials: it is private to its user (0700 dir, 0600 files), and a cache dir,
// entry or log that is a symbolic link or belongs to another user is neither read nor written. The
// helper says so in one warning line and answers without the cache.
// (Creation modes of the dir and entries on a fresh cache: cache.process; faults: faults.process.)

import { chmodSync, chownSync, lstatSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TokenEntry } from '../src/cache/entry.js';
import { FakeEcr } from './fakes/ecr.js';
import { expectAnswer, expectNoSecrets, expectOneWarning, expectUntouched, IS_ROOT, NOBODY, plantNeighbours, snapshot, tokenFiles } from './helpers/faults.js';
import { runHelper, Sandbox, type Env, useFakeEcrSandbox } from './helpers/helper-process.js';

const HOST = '123456789012.dkr.ecr.us-west-2.amazonaws.com';
const LOG = 'docker-credential-ecr-login.log';

let fake: FakeEcr;
let box: Sandbox;
let env: Env;
useFakeEcrSandbox((s) => ({ fake, box, env } = s));

/** A cache holding HOST's entry and one of another region; returns HOST's entry file and the other entry. */
async function primedCache(cacheDir = box.cacheDir): Promise<{ file: string; entry: TokenEntry; neighbours: Map<string, string> }> {
  expectAnswer(await runHelper(['get'], HOST, { ...env, AWS_ECR_CACHE_DIR: cacheDir }), HOST);
  const file = join(cacheDir, tokenFiles(cacheDir)[0]!);
  const entry = JSON.parse(readFileSync(file, 'utf8')) as TokenEntry;
  return { file, entry, neighbours: plantNeighbours(cacheDir, entry, ['eu-west-1']) };
}

const rootOnly = IS_ROOT ? undefined : 'needs root to chown a file to another user';
if (rootOnly) console.log(`skipped (other owners): ${rootOnly}`);

describe('modes', () => {
  it('the log is 0600 in the 0700 cache dir', async () => {
    expectAnswer(await runHelper(['get'], HOST, { ...env, AWS_ECR_LOG_LEVEL: 'debug' }), HOST);
    expect(statSync(box.cacheDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(box.cacheDir, LOG)).mode & 0o777).toBe(0o600);
    for (const file of tokenFiles(box.cacheDir)) expect(statSync(join(box.cacheDir, file)).mode & 0o777).toBe(0o600);
  });

  it('a cache dir and log that others can read (made by hand, or by an older version) are tightened', async () => {
    mkdirSync(box.cacheDir, { mode: 0o755 });
    chmodSync(box.cacheDir, 0o755);
    writeFileSync(join(box.cacheDir, LOG), 'an old line\n', { mode: 0o644 });
    chmodSync(join(box.cacheDir, LOG), 0o644);
    expectAnswer(await runHelper(['get'], HOST, { ...env, AWS_ECR_LOG_LEVEL: 'debug' }), HOST);
    expect(statSync(box.cacheDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(box.cacheDir, LOG)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(box.cacheDir, LOG), 'utf8')).toMatch(/^an old line\n.+ debug /); // appended, not replaced
  });
});

describe('symbolic links', () => {
  it('an entry that is a symlink is neither read nor replaced', async () => {
    const { file, entry, neighbours } = await primedCache();
    // A perfectly valid entry, but reached through a link: whoever can plant links could plant tokens.
    const elsewhere = join(box.root, 'planted.json');
    writeFileSync(elsewhere, JSON.stringify(entry), { mode: 0o600 });
    const planted = readFileSync(elsewhere, 'utf8');
    rmSync(file);
    symlinkSync(elsewhere, file);

    const run = await runHelper(['get'], HOST, env);
    expect(expectAnswer(run, HOST)).toBe(fake.issued.at(-1)!.password); // fetched, not the planted one
    expectOneWarning(run, new RegExp(`cache entry ${file} is not usable \\(it is a symbolic link\\); continuing without a cache: remove it$`));
    expectNoSecrets(run.stderr, env, fake.issued);
    expect(lstatSync(file).isSymbolicLink()).toBe(true);
    expect(readFileSync(elsewhere, 'utf8')).toBe(planted);
    expectUntouched(neighbours);
  });

  it('a cache dir that is a symlink is neither read nor written, the log included', async () => {
    const real = join(box.root, 'real-cache');
    await primedCache(real);
    const before = snapshot(real);
    const link = join(box.root, 'link-cache');
    symlinkSync(real, link);
    const viaLink = { ...env, AWS_ECR_CACHE_DIR: link, AWS_ECR_LOG_LEVEL: 'debug' };

    const run = await runHelper(['get'], HOST, viaLink);
    expectAnswer(run, HOST);
    expectOneWarning(run, new RegExp(`cache dir ${link} is not usable \\(it is a symbolic link; set AWS_ECR_CACHE_DIR to the directory it points to\\); continuing without a cache$`));
    expect(fake.privateCalls()).toHaveLength(2); // the entry behind the link was not served
    expect(JSON.parse((await runHelper(['list'], 'unused', viaLink)).stdout)).toEqual({});
    expect((await runHelper(['erase'], HOST, viaLink)).code).toBe(0);
    expect(snapshot(real)).toEqual(before); // nothing written, erased or logged through the link
  });

  it('the log is never written through a symlink', async () => {
    mkdirSync(box.cacheDir, { mode: 0o700 });
    const target = join(box.root, 'not-a-log');
    writeFileSync(target, 'precious\n');
    symlinkSync(target, join(box.cacheDir, LOG));
    expectAnswer(await runHelper(['get'], HOST, { ...env, AWS_ECR_LOG_LEVEL: 'debug' }), HOST);
    expect(readFileSync(target, 'utf8')).toBe('precious\n');
  });
});

describe('another user', () => {
  it.skipIf(rootOnly)('an entry owned by another user is neither read nor replaced', async () => {
    const { file, neighbours } = await primedCache();
    chownSync(file, NOBODY.uid, NOBODY.gid);
    const content = readFileSync(file, 'utf8');

    const run = await runHelper(['get'], HOST, env);
    expect(expectAnswer(run, HOST)).toBe(fake.issued.at(-1)!.password);
    expectOneWarning(run, new RegExp(`cache entry ${file} is not usable \\(it is owned by uid ${NOBODY.uid}, not by this user \\(uid 0\\)\\); continuing without a cache: remove it$`));
    expect(readFileSync(file, 'utf8')).toBe(content);
    expect(statSync(file).uid).toBe(NOBODY.uid);
    expectUntouched(neighbours);
  });

  it.skipIf(rootOnly)('a cache dir owned by another user is neither read nor written', async () => {
    await primedCache();
    chownSync(box.cacheDir, NOBODY.uid, NOBODY.gid);
    const before = snapshot(box.cacheDir);
    const debug = { ...env, AWS_ECR_LOG_LEVEL: 'debug' };

    const run = await runHelper(['get'], HOST, debug);
    expectAnswer(run, HOST);
    expectOneWarning(run, new RegExp(`cache dir ${box.cacheDir} is not usable \\(it is owned by uid ${NOBODY.uid}, not by this user \\(uid 0\\)\\); continuing without a cache$`));
    expect(fake.privateCalls()).toHaveLength(2);
    expect(JSON.parse((await runHelper(['list'], 'unused', debug)).stdout)).toEqual({});
    expect(snapshot(box.cacheDir)).toEqual(before);
  });

  it.skipIf(rootOnly)('a log owned by another user is not appended to', async () => {
    mkdirSync(box.cacheDir, { mode: 0o700 });
    writeFileSync(join(box.cacheDir, LOG), 'theirs\n');
    chownSync(join(box.cacheDir, LOG), NOBODY.uid, NOBODY.gid);
    expectAnswer(await runHelper(['get'], HOST, { ...env, AWS_ECR_LOG_LEVEL: 'debug' }), HOST);
    expect(readFileSync(join(box.cacheDir, LOG), 'utf8')).toBe('theirs\n');
  });
});
