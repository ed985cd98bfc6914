// Many helper processes sharing one cache: single flight, and nothing lost.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeEcr } from './fakes/ecr.js';
import { runHelper, Sandbox, type Env, useFakeEcrSandbox } from './helpers/helper-process.js';
import { TWENTY_REGIONS } from './helpers/regions.js';

const HOST = '123456789012.dkr.ecr.us-west-2.amazonaws.com';
const REGIONS = TWENTY_REGIONS;

let fake: FakeEcr;
let box: Sandbox;
let env: Env;
useFakeEcrSandbox((s) => ({ fake, box, env } = s));

describe('concurrent gets on an empty cache', () => {
  it('32 processes for one registry make exactly one ECR call and all get the same token', async () => {
    // ECR answers slowly, so that every process starts while the first one is still fetching.
    fake.set({ delayMs: 1_500 });
    const debug = { ...env, AWS_ECR_LOG_LEVEL: 'debug' };
    const runs = await Promise.all(Array.from({ length: 32 }, () => runHelper(['get'], HOST, debug)));
    expect(runs.map((r) => r.code)).toEqual(Array(32).fill(0));
    expect(runs.filter((r) => r.stderr !== '')).toEqual([]);
    expect(fake.privateCalls()).toHaveLength(1);
    const secrets = new Set(runs.map((r) => (JSON.parse(r.stdout) as { Secret: string }).Secret));
    expect(secrets).toEqual(new Set([fake.issued.at(-1)!.password]));
    // They really did overlap: many waited on the lock and took the holder's token.
    const log = readFileSync(join(box.cacheDir, 'docker-credential-ecr-login.log'), 'utf8');
    expect(log.match(/answered by another process's refresh/g)?.length ?? 0).toBeGreaterThanOrEqual(8);
  }, 60_000);

  it('20 processes for 20 regions make 20 calls and keep all 20 entries', async () => {
    fake.set({ delayMs: 300 });
    const runs = await Promise.all(REGIONS.map((region) => runHelper(['get'], `123456789012.dkr.ecr.${region}.amazonaws.com`, env)));
    expect(runs.map((r) => r.code)).toEqual(Array(20).fill(0));
    expect(new Set(fake.privateCalls().map((c) => c.region))).toEqual(new Set(REGIONS));
    expect(fake.privateCalls()).toHaveLength(20);
    expect(readdirSync(box.cacheDir).filter((f) => f.endsWith('.json'))).toHaveLength(20);
    const listed = JSON.parse((await runHelper(['list'], 'unused', env)).stdout) as Record<string, string>;
    expect(Object.keys(listed)).toHaveLength(20);
  }, 60_000);
});
