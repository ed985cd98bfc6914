// The log: off stdout, in the cache dir, capped, and free of every secret the fakes issued.

import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeEcr } from './fakes/ecr.js';
import { runHelper, Sandbox, type Env, useFakeEcrSandbox } from './helpers/helper-process.js';

const HOST = '123456789012.dkr.ecr.us-west-2.amazonaws.com';
const LOG = 'docker-credential-ecr-login.log';

let fake: FakeEcr;
let box: Sandbox;
let env: Env;
useFakeEcrSandbox((s) => ({ fake, box, env } = s), { AWS_ECR_LOG_LEVEL: 'debug', AWS_SESSION_TOKEN: 'fake-session-token-do-not-log-000000000000001' });

describe('the log', () => {
  it('writes nothing at the default level when all goes well', async () => {
    const quiet = { ...env, AWS_ECR_LOG_LEVEL: undefined };
    await runHelper(['get'], HOST, quiet);
    await runHelper(['get'], HOST, quiet);
    expect(readdirSync(box.cacheDir)).not.toContain(LOG);
  });

  it('never contains a token, password, secret key, session token or access key id, even at debug level', async () => {
    const outputs: string[] = [];
    const record = (run: { stderr: string; stdout: string }, stdoutMayHoldSecret: boolean) => {
      outputs.push(run.stderr);
      if (!stdoutMayHoldSecret) outputs.push(run.stdout);
    };
    record(await runHelper(['get'], HOST, env), true);
    record(await runHelper(['get'], HOST, env), true);
    record(await runHelper(['get'], 'public.ecr.aws', env), true);
    record(await runHelper(['list'], 'unused', env), false);
    record(await runHelper(['store'], JSON.stringify({ ServerURL: HOST, Username: 'AWS', Secret: fake.issued[0]!.password }), env), false);
    record(await runHelper(['erase'], HOST, env), false);
    fake.set({ fail: { status: 400, type: 'AccessDeniedException', message: 'denied' } });
    record(await runHelper(['get'], HOST, env), false);
    fake.set({ fail: undefined, rawBody: `{"authorizationData":[{"authorizationToken":"${Buffer.from('AWSnocolon-secret-ish-value').toString('base64')}"}]}` });
    record(await runHelper(['get'], '123456789012.dkr.ecr.eu-west-1.amazonaws.com', env), false);

    const log = readFileSync(join(box.cacheDir, LOG), 'utf8');
    expect(log).toMatch(/debug cache hit for 123456789012\.dkr\.ecr\.us-west-2\.amazonaws\.com/);
    const haystack = [log, ...outputs].join('\n');
    const secrets = [
      ...fake.issued.flatMap((i) => [i.password, i.authorizationToken]),
      env.AWS_SECRET_ACCESS_KEY!,
      env.AWS_SESSION_TOKEN!,
      env.AWS_ACCESS_KEY_ID!,
    ];
    expect(fake.issued.length).toBeGreaterThanOrEqual(2);
    expect(secrets.filter((s) => haystack.includes(s))).toEqual([]);
  });

  it('is rotated once it passes 1 MiB', async () => {
    await runHelper(['get'], HOST, env);
    writeFileSync(join(box.cacheDir, LOG), 'x'.repeat(1024 * 1024 + 1));
    await runHelper(['get'], HOST, env);
    expect(statSync(join(box.cacheDir, `${LOG}.1`)).size).toBeGreaterThan(1024 * 1024);
    expect(statSync(join(box.cacheDir, LOG)).size).toBeLessThan(10_000);
  });

  it('is a 0600 file', async () => {
    await runHelper(['get'], HOST, env);
    expect(statSync(join(box.cacheDir, LOG)).mode & 0o777).toBe(0o600);
  });
});
