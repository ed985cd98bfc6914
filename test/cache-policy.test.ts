// The expiry policy and the entry format of the token cache.

import { describe, expect, it } from 'vitest';
import { CLOCK_SKEW_MS, decodeToken, entryFileName, EXPIRY_MARGIN_MS, freshness, keyOf, parseEntry, SCHEMA, type TokenEntry } from '../src/cache/entry.js';
import { resolveRegistry } from '../src/registry.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);
const twelveHourToken = { fetchedAt: T0, expiresAt: T0 + 12 * HOUR };
const token = Buffer.from('AWS:secret-password').toString('base64');

function entry(overrides: Partial<TokenEntry> = {}): TokenEntry {
  return {
    schema: SCHEMA,
    identity: 'f'.repeat(32),
    service: 'private',
    partition: 'aws',
    region: 'us-east-1',
    fips: false,
    dualStack: false,
    source: 'test',
    ...twelveHourToken,
    authorizationToken: token,
    hosts: ['123456789012.dkr.ecr.us-east-1.amazonaws.com'],
    ...overrides,
  };
}

describe('freshness of a 12-hour token with the default refresh fraction 0.5', () => {
  it.each([
    ['just fetched', 0, 'fresh'],
    ['5 hours 59 minutes old', 6 * HOUR - 60_000, 'fresh'],
    ['exactly half its life old', 6 * HOUR, 'due'],
    ['11 hours old', 11 * HOUR, 'due'],
    ['inside the expiry margin', 12 * HOUR - EXPIRY_MARGIN_MS + 1, 'expired'],
    ['past its expiry', 13 * HOUR, 'expired'],
  ] as const)('is %s -> %s', (_label, age, expected) => {
    expect(freshness(twelveHourToken, T0 + age, 0.5)).toBe(expected);
  });
});

describe('the refresh fraction', () => {
  it('refreshes earlier with a larger fraction', () => {
    expect(freshness(twelveHourToken, T0 + 2 * HOUR, 0.9)).toBe('due');
    expect(freshness(twelveHourToken, T0 + 2 * HOUR, 0.5)).toBe('fresh');
  });
  it('refreshes later with a smaller fraction', () => {
    expect(freshness(twelveHourToken, T0 + 10 * HOUR, 0.1)).toBe('fresh');
  });
});

describe('a clock that jumps', () => {
  it('treats a token fetched "in the future" beyond the skew allowance as due for refresh', () => {
    expect(freshness(twelveHourToken, T0 - CLOCK_SKEW_MS - 1, 0.5)).toBe('due');
  });
  it('tolerates small skew backwards', () => {
    expect(freshness(twelveHourToken, T0 - 60_000, 0.5)).toBe('fresh');
  });
  it('never serves a token once the clock passes its expiry', () => {
    expect(freshness(twelveHourToken, T0 + 100 * HOUR, 0.5)).toBe('expired');
  });
});

describe('decoding an authorization token', () => {
  it('splits user and password on the first colon', () => {
    expect(decodeToken(Buffer.from('AWS:pa:ss:word').toString('base64'))).toEqual({ username: 'AWS', password: 'pa:ss:word' });
  });
  it.each([
    ['no colon', Buffer.from('AWSpassword').toString('base64')],
    ['empty user', Buffer.from(':password').toString('base64')],
    ['empty password', Buffer.from('AWS:').toString('base64')],
    ['not base64', 'not base64!'],
    ['empty', ''],
  ])('rejects a token with %s', (_label, value) => {
    expect(decodeToken(value)).toBeUndefined();
  });
});

describe('parsing a cache entry', () => {
  it('accepts a well-formed entry', () => {
    expect(parseEntry(JSON.stringify(entry()))).toEqual(entry());
  });
  it.each([
    ['garbage', 'not json at all'],
    ['truncated JSON', JSON.stringify(entry()).slice(0, 40)],
    ['a future schema version', JSON.stringify(entry({ schema: 2 as never }))],
    ['the Go helper format', JSON.stringify({ Version: '1.0', Registries: {} })],
    ['a token without a colon', JSON.stringify(entry({ authorizationToken: Buffer.from('nocolon').toString('base64') }))],
    ['a non-numeric expiry', JSON.stringify({ ...entry(), expiresAt: '1795397070' })],
    ['hosts that are not strings', JSON.stringify({ ...entry(), hosts: [1] })],
    ['null', 'null'],
  ])('treats %s as a miss', (_label, text) => {
    expect(parseEntry(text)).toBeUndefined();
  });
});

describe('the cache key', () => {
  const identity = { fingerprint: 'a'.repeat(32), source: 'test' };
  const file = (host: string) => entryFileName(keyOf(identity, resolveRegistry(host)!));

  it('is shared by every account of one region (one token serves them all)', () => {
    expect(file('111111111111.dkr.ecr.eu-west-1.amazonaws.com')).toBe(file('222222222222.dkr.ecr.eu-west-1.amazonaws.com'));
  });
  it.each([
    ['another region', '111111111111.dkr.ecr.eu-west-2.amazonaws.com'],
    ['the FIPS endpoint', '111111111111.dkr.ecr-fips.eu-west-1.amazonaws.com'],
    ['the dual-stack endpoint', '111111111111.dkr-ecr.eu-west-1.on.aws'],
    ['ECR Public', 'public.ecr.aws'],
  ])('differs for %s', (_label, host) => {
    expect(file(host)).not.toBe(file('111111111111.dkr.ecr.eu-west-1.amazonaws.com'));
  });
  it('differs for another identity', () => {
    const other = entryFileName(keyOf({ fingerprint: 'b'.repeat(32) }, resolveRegistry('public.ecr.aws')!));
    expect(other).not.toBe(file('public.ecr.aws'));
  });
  it('names files by a hash that reveals nothing about the identity', () => {
    expect(file('public.ecr.aws')).toMatch(/^token-[0-9a-f]{32}\.json$/);
    expect(file('public.ecr.aws')).not.toContain('a'.repeat(8));
  });
});
