// A cached token: its key, its on-disk format and the expiry policy. Pure.
//
// One token serves every registry the principal can reach in a region (registryIds is deprecated),
// so the key is (identity, service, partition, region, FIPS, dual-stack) and not the account.

import { sha256Hex } from '../sha256.js';
import type { Identity } from '../identity.js';
import type { Registry } from '../registry.js';

export const SCHEMA = 1;
/** A token this close to its expiry counts as expired: the caller still has to use it. */
export const EXPIRY_MARGIN_MS = 60_000;
/** A token fetched "in the future" by more than this means the clock moved back: refresh it. */
export const CLOCK_SKEW_MS = 5 * 60_000;

export interface TokenKey {
  identity: string;
  service: Registry['service'];
  partition: string;
  region: string;
  fips: boolean;
  dualStack: boolean;
}

export interface TokenEntry extends TokenKey {
  schema: typeof SCHEMA;
  /** Description of the credential source (no secrets), for list/doctor and the log. */
  source: string;
  /** Local clock (epoch ms) when ECR answered. */
  fetchedAt: number;
  /** ECR's expiresAt (epoch ms). */
  expiresAt: number;
  /** As ECR returned it: base64 of `AWS:<password>`. */
  authorizationToken: string;
  /** Server URLs this identity has been answered for from this token (what `list` reports). */
  hosts: string[];
}

export type Freshness = 'fresh' | 'due' | 'expired';

export function keyOf(identity: Pick<Identity, 'fingerprint'>, registry: Registry): TokenKey {
  const { service, partition, region, fips, dualStack } = registry;
  return { identity: identity.fingerprint, service, partition, region, fips, dualStack };
}

/** File name of a key's entry: a hash, so that nothing about the identity shows in the name. */
export function entryFileName(key: TokenKey): string {
  const id = [key.identity, key.service, key.partition, key.region, key.fips ? 'fips' : '-', key.dualStack ? 'dualstack' : '-'].join('/');
  return `token-${sha256Hex(id).slice(0, 32)}.json`;
}

/**
 * fresh: serve it. due: less than `refreshFraction` of its lifetime is left (or the clock moved
 * back), so refresh it, but it may still be served if the refresh fails. expired: never serve it.
 */
export function freshness(entry: Pick<TokenEntry, 'fetchedAt' | 'expiresAt'>, now: number, refreshFraction: number): Freshness {
  if (now >= entry.expiresAt - EXPIRY_MARGIN_MS) return 'expired';
  if (now < entry.fetchedAt - CLOCK_SKEW_MS) return 'due';
  const lifetime = entry.expiresAt - entry.fetchedAt;
  return entry.expiresAt - now > lifetime * refreshFraction ? 'fresh' : 'due';
}

/** Splits ECR's authorizationToken into user and password; undefined if it is malformed. */
export function decodeToken(authorizationToken: string): { username: string; password: string } | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(authorizationToken)) return undefined;
  const decoded = Buffer.from(authorizationToken, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0 || colon === decoded.length - 1) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Parses an entry file; anything that is not a well-formed entry of this schema is a miss. */
export function parseEntry(text: string): TokenEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const e = value as Record<string, unknown>;
  const wellFormed =
    e.schema === SCHEMA &&
    typeof e.identity === 'string' &&
    (e.service === 'private' || e.service === 'public') &&
    typeof e.partition === 'string' &&
    typeof e.region === 'string' &&
    typeof e.fips === 'boolean' &&
    typeof e.dualStack === 'boolean' &&
    typeof e.source === 'string' &&
    Number.isFinite(e.fetchedAt) &&
    Number.isFinite(e.expiresAt) &&
    typeof e.authorizationToken === 'string' &&
    decodeToken(e.authorizationToken) !== undefined &&
    Array.isArray(e.hosts) &&
    e.hosts.every((h) => typeof h === 'string');
  return wellFormed ? (e as unknown as TokenEntry) : undefined;
}

export function sameKey(entry: TokenKey, key: TokenKey): boolean {
  return (
    entry.identity === key.identity &&
    entry.service === key.service &&
    entry.partition === key.partition &&
    entry.region === key.region &&
    entry.fips === key.fips &&
    entry.dualStack === key.dualStack
  );
}
