// HTTPS_PROXY / HTTP_PROXY / NO_PROXY and AWS_CA_BUNDLE for every AWS call, through the built
// executable: a CONNECT proxy on loopback terminates TLS with a private test CA and hands the
// requests to the fake ECR, so the helper talks to the real AWS hostnames and nothing leaves the machine.

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectProxy } from './fakes/connect-proxy.js';
import type { FakeEcr } from './fakes/ecr.js';
import type { TestCa } from './fakes/test-ca.js';
import { runHelper, Sandbox, type Env } from './helpers/helper-process.js';
import { ProxiedAws } from './helpers/proxied-aws.js';

const API_HOSTS = ['api.ecr.us-west-2.amazonaws.com', 'api.ecr-fips.us-east-1.amazonaws.com', 'ecr.eu-west-1.api.aws', 'api.ecr-public.us-east-1.amazonaws.com'];

let aws: ProxiedAws;
let fake: FakeEcr;
let ca: TestCa;
let proxy: ConnectProxy;
let box: Sandbox;
let env: Env;

beforeAll(async () => {
  aws = await ProxiedAws.start(API_HOSTS);
  ({ fake, ca, proxy } = aws);
});
afterAll(() => aws.stop());
beforeEach(() => {
  aws.reset();
  box = new Sandbox();
  env = aws.env(box);
});
afterEach(() => box.remove());

describe('HTTPS_PROXY and AWS_CA_BUNDLE', () => {
  it.each([
    ['123456789012.dkr.ecr.us-west-2.amazonaws.com', 'api.ecr.us-west-2.amazonaws.com:443'],
    ['123456789012.dkr.ecr-fips.us-east-1.amazonaws.com', 'api.ecr-fips.us-east-1.amazonaws.com:443'],
    ['123456789012.dkr-ecr.eu-west-1.on.aws', 'ecr.eu-west-1.api.aws:443'],
    ['public.ecr.aws', 'api.ecr-public.us-east-1.amazonaws.com:443'],
  ])('get %s tunnels to %s and trusts the bundle', async (host, tunnel) => {
    const run = await runHelper(['get'], host, env);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(proxy.tunnels).toEqual([tunnel]);
    expect(fake.calls).toHaveLength(1);
  });

  it('honours the lower-case https_proxy too', async () => {
    const run = await runHelper(['get'], '123456789012.dkr.ecr.us-west-2.amazonaws.com', { ...env, HTTPS_PROXY: undefined, https_proxy: proxy.url });
    expect(run.code).toBe(0);
    expect(proxy.tunnels).toHaveLength(1);
  });

  it('without the CA bundle, refuses the untrusted certificate and says what to set', async () => {
    const run = await runHelper(['get'], '123456789012.dkr.ecr.us-west-2.amazonaws.com', { ...env, AWS_CA_BUNDLE: undefined });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^the TLS certificate of api\.ecr\.us-west-2\.amazonaws\.com is not trusted \([A-Z_]+\); if a proxy or a private CA is in the way, set AWS_CA_BUNDLE to its CA certificates\n$/);
    expect(fake.calls).toHaveLength(0);
  });

  it('names an unreadable AWS_CA_BUNDLE', async () => {
    const run = await runHelper(['get'], '123456789012.dkr.ecr.us-west-2.amazonaws.com', { ...env, AWS_CA_BUNDLE: '/nonexistent/ca.pem' });
    expect(run).toMatchObject({ code: 1, stdout: 'cannot read AWS_CA_BUNDLE /nonexistent/ca.pem (ENOENT); fix the path or unset it\n' });
  });
});

describe('HTTP_PROXY and NO_PROXY', () => {
  const viaEndpoint = () => ({ ...env, HTTPS_PROXY: undefined, AWS_ENDPOINT_URL_ECR: fake.url, HTTP_PROXY: proxy.url });

  it('sends a plain-HTTP endpoint through HTTP_PROXY', async () => {
    expect((await runHelper(['get'], '123456789012.dkr.ecr.us-west-2.amazonaws.com', viaEndpoint())).code).toBe(0);
    expect(proxy.forwarded).toEqual([`${fake.url}/`]);
  });

  it.each([['NO_PROXY'], ['no_proxy']])('goes direct to a host listed in %s', async (name) => {
    expect((await runHelper(['get'], '123456789012.dkr.ecr.us-west-2.amazonaws.com', { ...viaEndpoint(), [name]: '127.0.0.1' })).code).toBe(0);
    expect(proxy.forwarded).toEqual([]);
    expect(fake.calls).toHaveLength(1);
  });
});
