// A machine clock that is wrong, for real: the helper runs under libfaketime (LD_PRELOAD), so its
// own wall clock is hours ahead of or behind the fake ECR's (which, like AWS, keeps true time).
// test/faults.process.test.ts covers the same states through the timestamps a jump leaves behind.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FakeEcr } from './fakes/ecr.js';
import { runHelper, useFakeEcrSandbox, type Env } from './helpers/helper-process.js';

const HOST = '123456789012.dkr.ecr.us-west-2.amazonaws.com';
const LIBFAKETIME = ['/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1', '/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1'].find((path) => existsSync(path));

let fake: FakeEcr;
let env: Env;
useFakeEcrSandbox((s) => ({ fake, env } = s));

/** The environment with the helper's wall clock moved by `offset` (libfaketime syntax: +7h, -2h). */
function clockMoved(offset: string): Env {
  if (!LIBFAKETIME) throw new Error('libfaketime is not installed (Debian package faketime; .ci/run installs it)');
  // Only the wall clock moves, as when NTP steps it; the monotonic clock keeps running.
  return { ...env, LD_PRELOAD: LIBFAKETIME, FAKETIME: offset, FAKETIME_DONT_FAKE_MONOTONIC: '1' };
}

const secretOf = (stdout: string) => (JSON.parse(stdout) as { Secret: string }).Secret;

describe('a machine clock that is wrong', () => {
  it('runs the helper with the moved clock (the premise of the other tests): its log lines are dated 13 h ahead', async () => {
    const run = await runHelper(['get'], HOST, { ...clockMoved('+13h'), AWS_ECR_LOG_LEVEL: 'debug' });
    expect(run.code).not.toBeNull();
    const log = readFileSync(join(env.AWS_ECR_CACHE_DIR!, 'docker-credential-ecr-login.log'), 'utf8');
    const stamp = Date.parse(/^(\S+) pid=/.exec(log)![1]!);
    expect(Math.abs(stamp - (Date.now() + 13 * 3_600_000))).toBeLessThan(5 * 60_000);
  });

  it('ahead past the refresh point (7 h of a 12 h token): the token is refreshed, not served stale', async () => {
    const first = await runHelper(['get'], HOST, env);
    const later = await runHelper(['get'], HOST, clockMoved('+7h'));
    expect(later).toMatchObject({ code: 0, stderr: '' });
    expect(fake.privateCalls()).toHaveLength(2);
    expect(secretOf(later.stdout)).toBe(fake.issued.at(-1)!.password);
    expect(secretOf(later.stdout)).not.toBe(secretOf(first.stdout));
  });

  it('ahead past the expiry (13 h): the old token is never served, and a new one that looks expired is refused with advice', async () => {
    const first = await runHelper(['get'], HOST, env);
    const ahead = await runHelper(['get'], HOST, clockMoved('+13h'));
    expect(ahead.code).toBe(1);
    expect(ahead.stdout).toMatch(/^ECR in us-west-2 returned a token that expired at \S+, before this machine's time \S+; check the system clock\n$/);
    expect(ahead.stdout).not.toContain(secretOf(first.stdout));
    expect(fake.privateCalls()).toHaveLength(2);
    // Back at the right time, the first token is still in the cache and answers without a call.
    const back = await runHelper(['get'], HOST, env);
    expect(secretOf(back.stdout)).toBe(secretOf(first.stdout));
    expect(fake.privateCalls()).toHaveLength(2);
  });

  it('set back (2 h): a token fetched "in the future" is refreshed once, then hits, and still hits at the right time', async () => {
    await runHelper(['get'], HOST, env);
    const behind = await runHelper(['get'], HOST, clockMoved('-2h'));
    expect(behind).toMatchObject({ code: 0, stderr: '' });
    expect(fake.privateCalls()).toHaveLength(2);
    const again = await runHelper(['get'], HOST, clockMoved('-2h'));
    expect(secretOf(again.stdout)).toBe(secretOf(behind.stdout));
    const rightTime = await runHelper(['get'], HOST, env);
    expect(secretOf(rightTime.stdout)).toBe(secretOf(behind.stdout));
    expect(fake.privateCalls()).toHaveLength(2);
  });

  it('set back within the allowed skew (2 min): nothing changes', async () => {
    await runHelper(['get'], HOST, env);
    await runHelper(['get'], HOST, clockMoved('-2m'));
    expect(fake.privateCalls()).toHaveLength(1);
  });
});
