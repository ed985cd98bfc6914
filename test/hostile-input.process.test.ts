// Hostile input on stdin, through the built executable: more than MAX_REQUEST_BYTES (a 10 MiB pipe),
// NUL bytes, invalid UTF-8, and JSON bombs in `store` (deep nesting within the limit, huge numbers,
// many keys, duplicate keys, __proto__). Each one gets one clear line on stdout and exit 1: no stack
// trace, nothing on stderr, no ECR call, the cache untouched, and memory bounded (the helper's peak
// RSS, measured with GNU time, stays near that of a trivial request).

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_REQUEST_BYTES } from '../src/protocol.js';
import { FakeEcr } from './fakes/ecr.js';
import { HELPER, runHelper, Sandbox, type Env, type Run, useFakeEcrSandbox } from './helpers/helper-process.js';

const HOST = '123456789012.dkr.ecr.us-west-2.amazonaws.com';
const LIMIT_TEXT = `request on stdin is larger than ${MAX_REQUEST_BYTES} bytes`;
const TEN_MIB = 10 * 1024 * 1024;

let fake: FakeEcr;
let box: Sandbox;
let env: Env;
useFakeEcrSandbox((s) => ({ fake, box, env } = s));

// ---------------------------------------------------------------------------------------------
// Peak RSS of the helper: GNU time's %M (KiB), written to a file so that stderr stays the helper's.

const GNU_TIME = '/usr/bin/time';
const canMeasure = existsSync(GNU_TIME);
let timeDir: string;
const peaks: { what: string; kib: number }[] = [];
beforeAll(() => {
  timeDir = mkdtempSync(join(tmpdir(), 'ecr-login-rss-'));
});
afterAll(() => {
  rmSync(timeDir, { recursive: true, force: true });
  const mib = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;
  const top = [...peaks].sort((a, b) => b.kib - a.kib).slice(0, 3);
  if (peaks.length > 0) console.log(`peak RSS of the helper (GNU time %M), ${peaks.length} runs: baseline ${mib(baselineKiB ?? 0)}, highest ${top.map((p) => `${mib(p.kib)} (${p.what})`).join(', ')}`);
  else console.log(`peak RSS not measured: ${GNU_TIME} is missing`);
});

interface Measured extends Run {
  /** Peak resident set size in KiB, when GNU time is installed. */
  peakKiB: number | undefined;
}

let measured = 0;
async function run(args: string[], stdin: string | Buffer, what: string): Promise<Measured> {
  if (!canMeasure) return { ...(await runHelper(args, stdin, env)), peakKiB: undefined };
  const out = join(timeDir, `${++measured}.txt`);
  const result = await runHelper(['-o', out, '-f', '%M', HELPER, ...args], stdin, env, GNU_TIME);
  // The file ends with the figure; before it GNU time may note "Command exited with non-zero status 1".
  const peakKiB = Number(readFileSync(out, 'utf8').trim().split('\n').at(-1));
  expect(peakKiB).toBeGreaterThan(1024);
  peaks.push({ what, kib: peakKiB });
  return { ...result, peakKiB };
}

/** Peak RSS of a trivial request (a non-ECR host), the baseline of every runtime. */
let baselineKiB: number | undefined;
/** How much more a hostile request may make the helper hold than a trivial one. */
const SLACK_KIB = 12 * 1024;

// ---------------------------------------------------------------------------------------------
// The cache before and after: every file but the log, with its content.

function cacheSnapshot(): Record<string, string> {
  if (!existsSync(box.cacheDir)) return {};
  return Object.fromEntries(
    readdirSync(box.cacheDir)
      .filter((f) => !f.startsWith('docker-credential-ecr-login.log'))
      .sort()
      .map((f) => [f, readFileSync(join(box.cacheDir, f), 'utf8')]),
  );
}

let before: Record<string, string>;
let callsBefore: number;
beforeEach(async () => {
  // A cached token for HOST, so that "the cache is not changed" means something.
  const seed = await runHelper(['get'], HOST, env);
  expect(seed.code).toBe(0);
  if (baselineKiB === undefined && canMeasure) baselineKiB = (await run(['get'], 'docker.io', 'baseline (get docker.io)')).peakKiB;
  before = cacheSnapshot();
  expect(Object.keys(before).some((f) => f.endsWith('.json'))).toBe(true);
  callsBefore = fake.calls.length;
});

/** One clean line on stdout, exit 1, nothing else; no ECR call; the cache as it was; memory bounded. */
function expectRefused(result: Measured, line: string | RegExp): void {
  expect(result.code).toBe(1);
  expect(result.stdout.endsWith('\n')).toBe(true);
  expect(result.stdout.split('\n')).toHaveLength(2);
  if (typeof line === 'string') expect(result.stdout).toBe(`${line}\n`);
  else expect(result.stdout.trimEnd()).toMatch(line);
  expect(result.stdout).not.toMatch(/\bat .+:\d+:\d+|internal error|Error:/);
  expect(result.stderr).toBe('');
  expect(fake.calls).toHaveLength(callsBefore);
  expect(cacheSnapshot()).toEqual(before);
  if (result.peakKiB !== undefined && baselineKiB !== undefined) expect(result.peakKiB).toBeLessThan(baselineKiB + SLACK_KIB);
}

describe('more than MAX_REQUEST_BYTES on stdin', () => {
  it.each(['get', 'store', 'erase'])('%s refuses a 10 MiB request without reading it all', async (action) => {
    const request = action === 'store' ? Buffer.from(`{"ServerURL":"${HOST}","Username":"AWS","Secret":"${'x'.repeat(TEN_MIB)}"}`) : Buffer.alloc(TEN_MIB, 'a');
    const result = await run([action], request, `${action} 10 MiB`);
    expectRefused(result, LIMIT_TEXT);
    expect(result.ms).toBeLessThan(10_000);
  });

  it('refuses one byte over the limit, and answers at exactly the limit', async () => {
    const atLimit = HOST.padEnd(MAX_REQUEST_BYTES, ' '); // trailing whitespace is trimmed
    expectRefused(await run(['get'], `${atLimit} `, 'get limit + 1'), LIMIT_TEXT);
    const answer = await runHelper(['get'], atLimit, env); // not under GNU time: the secrets scan knows a get's answer by its argv
    expect(answer.code).toBe(0);
    expect(JSON.parse(answer.stdout)).toMatchObject({ ServerURL: HOST, Username: 'AWS' });
    expect(answer.stderr).toBe('');
    expect(fake.calls).toHaveLength(callsBefore);
  });
});

describe('bytes that are not text', () => {
  it.each([
    ['get', `${HOST}\0`],
    ['get', `\0${HOST}`],
    ['get', `${HOST}\0.evil.com`],
    ['erase', `${HOST}\0`],
    ['store', `{"ServerURL":"${HOST}","Username":"AWS","Secret":"x"}\0`],
  ])('%s refuses a NUL byte (%j)', async (action, request) => {
    expectRefused(await run([action], request, `${action} NUL`), 'request on stdin contains a NUL byte');
  });

  // A ServerURL that is not a host name is named in the error: its control characters are shown
  // as \xNN, never written raw to where Docker shows the error (a NUL, an ANSI escape).
  it.each([
    ['a JSON-escaped NUL', `${HOST}\\u0000`],
    ['an ANSI escape sequence', `\\u001b[2J\\u001b[31mevil.com`],
  ])('store names a ServerURL holding %s without writing control characters', async (_name, serverURL) => {
    const result = await run(['store'], `{"ServerURL":"${serverURL}","Username":"AWS","Secret":"x"}`, 'store control characters');
    expectRefused(result, /^docker-credential-ecr-login stores no credentials: it only answers for Amazon ECR registries and .* is not one; use another credential store for it$/);
    expect(result.stdout.trimEnd()).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });

  const invalid: [string, Buffer][] = [
    ['a lone continuation byte', Buffer.concat([Buffer.from(HOST), Buffer.from([0x80])])],
    ['0xff 0xfe', Buffer.from([0xff, 0xfe, 0x41])],
    ['an overlong encoding of "/"', Buffer.concat([Buffer.from(HOST), Buffer.from([0xc0, 0xaf]), Buffer.from('evil')])],
    ['an encoded UTF-16 surrogate', Buffer.concat([Buffer.from([0xed, 0xa0, 0x80]), Buffer.from(HOST)])],
    ['a truncated sequence at the end', Buffer.concat([Buffer.from(HOST), Buffer.from([0xe2, 0x82])])],
    ['a code point above U+10FFFF', Buffer.concat([Buffer.from(HOST), Buffer.from([0xf4, 0x90, 0x80, 0x80])])],
  ];
  for (const action of ['get', 'store', 'erase']) {
    it.each(invalid)(`${action} refuses invalid UTF-8: %s`, async (_name, bytes) => {
      const request = action === 'store' ? Buffer.concat([Buffer.from(`{"ServerURL":"`), bytes, Buffer.from(`","Username":"AWS","Secret":"x"}`)]) : bytes;
      expectRefused(await run([action], request, `${action} invalid UTF-8`), 'request on stdin is not valid UTF-8 text');
    });
  }
});

describe('JSON bombs in store', () => {
  const depth = 30_000;
  const store = (body: string, what: string) => {
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
    return run(['store'], body, `store ${what}`);
  };

  it('30000 unterminated [ is not valid JSON', async () => {
    expectRefused(await store('['.repeat(depth), 'deep unterminated'), 'store request is not valid JSON: expected {"ServerURL":..,"Username":..,"Secret":..}');
  });

  it('30000 nested arrays are not an object', async () => {
    expectRefused(await store(`${'['.repeat(depth)}${']'.repeat(depth)}`, 'deep arrays'), 'store request must be a JSON object with ServerURL, Username and Secret');
  });

  it('6000 nested objects without a ServerURL', async () => {
    const body = `${'{"a":'.repeat(6_000)}1${'}'.repeat(6_000)}`;
    expectRefused(await store(body, 'deep objects'), 'no credentials server URL');
  });

  it('deep nesting beside a valid ServerURL and a missing Username', async () => {
    const body = `{"ServerURL":"${HOST}","x":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    expectRefused(await store(body, 'deep beside ServerURL'), 'no credentials username');
  });

  it.each([
    ['a huge exponent', '1e99999999999'],
    ['a 60000-digit number', '9'.repeat(60_000)],
    ['a negative huge number', `-${'9'.repeat(30_000)}.${'9'.repeat(30_000)}`],
  ])('%s as ServerURL', async (_name, number) => {
    expectRefused(await store(`{"ServerURL":${number},"Username":"AWS","Secret":"x"}`, 'huge number'), 'no credentials server URL');
  });

  it('4000 keys without a ServerURL', async () => {
    const keys = Array.from({ length: 4_000 }, (_, i) => `"k${i}":${i}`).join(',');
    expectRefused(await store(`{${keys}}`, 'many keys'), 'no credentials server URL');
  });

  it('duplicate keys: the last one counts, as in Go encoding/json that Docker uses', async () => {
    const body = `{"ServerURL":"${HOST}","Username":"AWS","Secret":"x","ServerURL":"docker.io"}`;
    expectRefused(await store(body, 'duplicate keys'), 'docker-credential-ecr-login stores no credentials: it only answers for Amazon ECR registries and docker.io is not one; use another credential store for it');
    const many = `{"ServerURL":"${HOST}",${Array.from({ length: 3_000 }, () => `"Username":"AWS"`).join(',')},"Username":""}`;
    expectRefused(await store(many, '3000 duplicate keys'), 'no credentials username');
  });

  it.each([
    ['__proto__ holding the fields', `{"__proto__":{"ServerURL":"${HOST}","Username":"AWS","Secret":"x"}}`, 'no credentials server URL'],
    ['__proto__ holding the Username', `{"ServerURL":"${HOST}","__proto__":{"Username":"AWS"}}`, 'no credentials username'],
    ['constructor.prototype holding the Username', `{"ServerURL":"${HOST}","constructor":{"prototype":{"Username":"AWS"}}}`, 'no credentials username'],
    ['a ServerURL object', `{"ServerURL":{"toString":"${HOST}"},"Username":"AWS"}`, 'no credentials server URL'],
    ['a ServerURL array', `{"ServerURL":["${HOST}"],"Username":"AWS"}`, 'no credentials server URL'],
  ])('%s: nothing is read through the prototype', async (_name, body, line) => {
    expectRefused(await store(body, 'prototype'), line);
  });

  it('a 60 KiB ServerURL with line breaks is named in one line, shortened', async () => {
    const body = JSON.stringify({ ServerURL: `evil.com\n${'x\r\n\u2028'.repeat(6_000)}`, Username: 'AWS', Secret: 'x' });
    const result = await store(body, 'long multi-line ServerURL');
    expectRefused(result, /^docker-credential-ecr-login stores no credentials: it only answers for Amazon ECR registries and evil\.com .* is not one; use another credential store for it$/);
    expect(result.stdout.length).toBeLessThan(400);
  });

  it('a valid store after all that still succeeds and changes nothing', async () => {
    const result = await store(JSON.stringify({ ServerURL: HOST, Username: 'AWS', Secret: 'x' }), 'valid');
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(cacheSnapshot()).toEqual(before);
  });
});

it('list ignores a 10 MiB stdin', async () => {
  const result = await run(['list'], Buffer.alloc(TEN_MIB, 'a'), 'list 10 MiB');
  expect(result.code).toBe(0);
  expect(JSON.parse(result.stdout)).toEqual({ [HOST]: 'AWS' });
  expect(cacheSnapshot()).toEqual(before);
});
