// Load: many helper processes at once against a fake ECR that throttles GetAuthorizationToken at
// 1 call per second with a burst of 1 (per region, as ECR throttles per account and region; a call
// over the budget gets the real ThrottlingException). Single flight and the shared cache must keep
// every process answered with one call per region, and cache hits must never call at all.
// Wall times are printed.

import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FakeEcr } from './fakes/ecr.js';
import { runHelper, Sandbox, type Env, type Run, useFakeEcrSandbox } from './helpers/helper-process.js';
import { TWENTY_REGIONS } from './helpers/regions.js';

const HOST = '123456789012.dkr.ecr.us-west-2.amazonaws.com';
const THROTTLE = { perSecond: 1, burst: 1, perRegion: true };
const REGIONS = TWENTY_REGIONS;

let fake: FakeEcr;
let box: Sandbox;
let env: Env;
useFakeEcrSandbox((s) => ({ fake, box, env } = s));

/** Starts the processes and waits for all; the wall time includes spawning them. */
async function timed(start: () => Promise<Run>[]): Promise<{ runs: Run[]; wallMs: number }> {
  const started = Date.now();
  const done = await Promise.all(start());
  return { runs: done, wallMs: Date.now() - started };
}

/** The password of a successful get for serverURL; fails the test on anything else. */
function answerOf(run: Run, serverURL: string): string {
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
  const answer = JSON.parse(run.stdout) as { ServerURL: string; Username: string; Secret: string };
  expect(run.stdout).toBe(`${JSON.stringify({ ServerURL: serverURL, Username: 'AWS', Secret: answer.Secret })}\n`);
  return answer.Secret;
}

const tokenFiles = () => readdirSync(box.cacheDir).filter((f) => f.endsWith('.json'));

describe('under a throttling ECR (1 call/s, burst 1)', () => {
  it('the fake really throttles: a second call within the second is refused', async () => {
    fake.set({ throttle: THROTTLE });
    const uncached = { ...env, AWS_ECR_DISABLE_CACHE: '1' };
    const issuedBefore = fake.issued.length;
    answerOf(await runHelper(['get'], HOST, uncached), HOST);
    const second = await runHelper(['get'], HOST, uncached);
    // The second process's first attempt came within the second and got ThrottlingException (a call
    // that issued nothing). The SDK retries with jittered backoff: answered once the bucket refilled,
    // 1 s after the first call, or refused if all its attempts came sooner.
    const calls = fake.privateCalls();
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(fake.issued.length - issuedBefore).toBeLessThan(calls.length);
    if (second.code === 0) {
      answerOf(second, HOST);
      expect(calls.at(-1)!.at - calls[0]!.at).toBeGreaterThanOrEqual(900);
    } else {
      expect(second.stdout).toMatch(/^ECR in us-west-2 throttled GetAuthorizationToken after \d+ attempts; try again in a few seconds\n$/);
    }
  });

  it('64 concurrent cold gets: all 64 answered, with one ECR call', async () => {
    fake.set({ throttle: THROTTLE });
    const { runs, wallMs } = await timed(() => Array.from({ length: 64 }, () => runHelper(['get'], HOST, env)));
    const secrets = runs.map((r) => answerOf(r, HOST));
    expect(fake.privateCalls()).toHaveLength(1);
    expect(new Set(secrets)).toEqual(new Set([fake.issued.at(-1)!.password]));
    expect(tokenFiles()).toHaveLength(1);
    console.log(`load: 64 concurrent cold gets, 1 ECR call, ${runs.filter((r) => r.code === 0).length}/64 answered, wall ${wallMs} ms`);
  }, 60_000);

  it('200 concurrent cache hits: all 200 answered, no ECR call', async () => {
    fake.set({ throttle: THROTTLE });
    const password = answerOf(await runHelper(['get'], HOST, env), HOST);
    expect(fake.privateCalls()).toHaveLength(1);
    const { runs, wallMs } = await timed(() => Array.from({ length: 200 }, () => runHelper(['get'], HOST, env)));
    for (const run of runs) expect(answerOf(run, HOST)).toBe(password);
    expect(fake.privateCalls()).toHaveLength(1); // the seeding call only
    console.log(`load: 200 concurrent cache hits, 0 ECR calls, ${runs.filter((r) => r.code === 0).length}/200 answered, wall ${wallMs} ms`);
  }, 60_000);

  it('20 regions x 5 processes at once: 20 calls, 20 entries, every answer right', async () => {
    fake.set({ throttle: THROTTLE });
    const hosts = REGIONS.flatMap((region) => Array.from({ length: 5 }, () => `123456789012.dkr.ecr.${region}.amazonaws.com`));
    const { runs, wallMs } = await timed(() => hosts.map((host) => runHelper(['get'], host, env)));
    const byRegion = new Map<string, Set<string>>();
    runs.forEach((run, i) => {
      const region = REGIONS[Math.floor(i / 5)]!;
      byRegion.set(region, (byRegion.get(region) ?? new Set()).add(answerOf(run, hosts[i]!)));
    });
    // One call per region, each region's five processes share its one token, and no two regions share one.
    expect(fake.privateCalls()).toHaveLength(20);
    expect(new Set(fake.privateCalls().map((c) => c.region))).toEqual(new Set(REGIONS));
    for (const secrets of byRegion.values()) expect(secrets.size).toBe(1);
    const all = [...byRegion.values()].map((s) => [...s][0]!);
    expect(new Set(all).size).toBe(20);
    expect(new Set(all)).toEqual(new Set(fake.issued.slice(-20).map((i) => i.password)));
    expect(tokenFiles()).toHaveLength(20);
    const listed = JSON.parse((await runHelper(['list'], 'unused', env)).stdout) as Record<string, string>;
    expect(Object.keys(listed).sort()).toEqual(REGIONS.map((r) => `123456789012.dkr.ecr.${r}.amazonaws.com`).sort());
    console.log(`load: 20 regions x 5 processes, 20 ECR calls, 20 entries, ${runs.filter((r) => r.code === 0).length}/100 answered, wall ${wallMs} ms`);
  }, 60_000);
});
