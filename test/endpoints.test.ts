// Which AWS API host a registry hostname sends its signed request to. The real SDK client runs
// (endpoint rules, signing); only the network is replaced by a handler that records the request.

import { Readable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { fetchToken } from '../src/ecr/client.js';
import { apiHostOf, resolveRegistry } from '../src/registry.js';
import { SDK_ENV, useIsolatedSdkEnv } from './helpers/sdk-in-process.js';

interface Seen {
  hostname: string;
  target: string;
  authorization: string;
}

function recordingHandler(seen: Seen[], body: string) {
  return {
    handle: async (request: { hostname: string; headers: Record<string, string> }) => {
      seen.push({ hostname: request.hostname, target: request.headers['x-amz-target']!, authorization: request.headers.authorization! });
      return { response: { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: Readable.from([Buffer.from(body)]) } };
    },
  };
}

const token = Buffer.from('AWS:pw').toString('base64');
const PRIVATE_BODY = `{"authorizationData":[{"authorizationToken":"${token}","expiresAt":1895397070}]}`;
const PUBLIC_BODY = `{"authorizationData":{"authorizationToken":"${token}","expiresAt":1895397070}}`;
const env = SDK_ENV;

useIsolatedSdkEnv();

const PRIVATE_ENDPOINTS: [string, string, string][] = [
    ['123456789012.dkr.ecr.us-east-1.amazonaws.com', 'api.ecr.us-east-1.amazonaws.com', 'us-east-1'],
    ['123456789012.dkr.ecr-fips.us-east-1.amazonaws.com', 'api.ecr-fips.us-east-1.amazonaws.com', 'us-east-1'],
    ['123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com', 'api.ecr-fips.us-gov-west-1.amazonaws.com', 'us-gov-west-1'],
    ['123456789012.dkr-ecr.eu-west-1.on.aws', 'ecr.eu-west-1.api.aws', 'eu-west-1'],
    ['123456789012.dkr-ecr-fips.us-east-2.on.aws', 'ecr-fips.us-east-2.api.aws', 'us-east-2'],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn', 'api.ecr.cn-north-1.amazonaws.com.cn', 'cn-north-1'],
    ['123456789012.dkr-ecr.cn-northwest-1.on.amazonwebservices.com.cn', 'ecr.cn-northwest-1.api.amazonwebservices.com.cn', 'cn-northwest-1'],
    ['123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov', 'api.ecr.us-iso-east-1.c2s.ic.gov', 'us-iso-east-1'],
    ['123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov', 'api.ecr.us-isob-east-1.sc2s.sgov.gov', 'us-isob-east-1'],
    ['123456789012.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk', 'api.ecr.eu-isoe-west-1.cloud.adc-e.uk', 'eu-isoe-west-1'],
    ['123456789012.dkr.ecr.us-isof-south-1.csp.hci.ic.gov', 'api.ecr.us-isof-south-1.csp.hci.ic.gov', 'us-isof-south-1'],
    ['123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu', 'api.ecr.eusc-de-east-1.amazonaws.eu', 'eusc-de-east-1'],
];

describe('the API endpoint follows the registry hostname', () => {
  it.each(PRIVATE_ENDPOINTS)('%s -> %s, signed for ecr in %s', async (host, endpoint, region) => {
    const seen: Seen[] = [];
    await fetchToken(resolveRegistry(host)!, { deadline: performance.now() + 5_000, timeoutMs: 5_000, source: 'test', env, requestHandler: recordingHandler(seen, PRIVATE_BODY) });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.hostname).toBe(endpoint);
    expect(seen[0]!.target).toBe('AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken');
    expect(seen[0]!.authorization).toContain(`/${region}/ecr/aws4_request`);
  });

  it.each([
    ['public.ecr.aws', 'api.ecr-public.us-east-1.amazonaws.com'],
    ['ecr-public.aws.com', 'ecr-public.us-east-1.api.aws'],
  ])('ECR Public %s -> %s, signed for ecr-public in us-east-1', async (host, endpoint) => {
    const seen: Seen[] = [];
    await fetchToken(resolveRegistry(host)!, { deadline: performance.now() + 5_000, timeoutMs: 5_000, source: 'test', env, requestHandler: recordingHandler(seen, PUBLIC_BODY) });
    expect(seen[0]!.hostname).toBe(endpoint);
    expect(seen[0]!.target).toBe('SpencerFrontendService.GetAuthorizationToken');
    expect(seen[0]!.authorization).toContain('/us-east-1/ecr-public/aws4_request');
  });

  it('honours AWS_USE_FIPS_ENDPOINT for a plain hostname', async () => {
    vi.stubEnv('AWS_USE_FIPS_ENDPOINT', 'true');
    const seen: Seen[] = [];
    await fetchToken(resolveRegistry('123456789012.dkr.ecr.us-west-2.amazonaws.com')!, { deadline: performance.now() + 5_000, timeoutMs: 5_000, source: 'test', env, requestHandler: recordingHandler(seen, PRIVATE_BODY) });
    expect(seen[0]!.hostname).toBe('api.ecr-fips.us-west-2.amazonaws.com');
  });
});

describe('apiHostOf (what config check shows) agrees with the SDK', () => {
  it.each([...PRIVATE_ENDPOINTS.map(([host, endpoint]) => [host, endpoint]), ['public.ecr.aws', 'api.ecr-public.us-east-1.amazonaws.com'], ['ecr-public.aws.com', 'ecr-public.us-east-1.api.aws']])('%s -> %s', (host, endpoint) => {
    expect(apiHostOf(resolveRegistry(host!)!)).toBe(endpoint);
  });
});
