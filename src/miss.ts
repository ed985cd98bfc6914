// The cache-miss path: entry point of the cold bundle, loaded only when the cache cannot answer.
//
// Under the entry's lock: re-read (another process may just have refreshed it), call ECR only if
// the entry is still not fresh, write atomically, prune expired entries. Processes that find the
// lock taken wait for the holder's result instead of calling ECR themselves (single flight).

import { freshness, SCHEMA, type Freshness, type TokenEntry, type TokenKey } from './cache/entry.js';
import { ensureCacheDir, entryFileProblem, entryFiles, entryPath, orphanTempFiles, readEntry, readEntryFile, removeFile, writeEntry } from './cache/files.js';
import { LockTimeoutError, tryLock, underLock } from './cache/lock.js';
import type { Settings } from './config.js';
import type { Identity } from './identity.js';
import { configureLog, log, warnUser } from './log.js';
import { HelperError, isHelperError } from './protocol.js';
import type { Registry } from './registry.js';
import type { Rule } from './rules.js';

export interface Miss {
  serverURL: string;
  registry: Registry;
  /** The config-file rule for the host: which profile or role to use. */
  rule: Rule | undefined;
  identity: Identity;
  key: TokenKey;
  settings: Settings;
  env: Record<string, string | undefined>;
  /** performance.now() (monotonic ms) by which the get must have answered */
  deadline: number;
}

/** Temp files of writers that died mid-write are removed once this old. */
const ORPHAN_AGE_MS = 60_000;

silenceStdout();

/** A token entry that can answer `miss.serverURL`, from the cache or from ECR. */
export async function obtainToken(miss: Miss): Promise<TokenEntry> {
  const { settings } = miss;
  configureLog(settings.cacheDir, settings.logLevel, miss.env); // this bundle has its own copy of the log module
  if (settings.cacheDisabled) {
    if (settings.noCacheReason) warnUser(`${settings.noCacheReason}; continuing without a cache (every get calls ECR)`);
    return fetchEntry(miss, undefined);
  }
  try {
    ensureCacheDir(settings.cacheDir);
  } catch (error) {
    warnUser(`cache dir ${settings.cacheDir} is not usable (${codeOf(error)}); continuing without a cache`);
    return fetchEntry(miss, undefined);
  }

  const path = entryPath(settings.cacheDir, miss.key);
  // The hot path ignored it silently (it must stay cheap); say why here, once, and leave it alone.
  const problem = entryFileProblem(path);
  if (problem) {
    warnUser(`cache entry ${path} is not usable (${problem}); continuing without a cache: remove it`);
    return fetchEntry(miss, undefined);
  }
  const answeredByOthers = () => {
    const entry = readEntry(settings.cacheDir, miss.key);
    if (!entry || stateOf(entry, settings) !== 'fresh' || !entry.hosts.includes(miss.serverURL)) return undefined;
    log.debug(`single flight: ${miss.registry.host} answered by another process's refresh`);
    return entry;
  };
  try {
    return await underLock(path, miss.deadline, answeredByOthers, () => refreshLocked(miss));
  } catch (error) {
    if (error instanceof LockTimeoutError) return servableOrThrow(miss, `timed out after ${settings.timeoutMs / 1000}s waiting for another docker-credential-ecr-login to refresh the token (lock ${path}.lock); raise AWS_ECR_TIMEOUT or remove the lock if no helper is running`);
    if (isHelperError(error)) throw error;
    warnUser(`cannot lock the cache entry in ${settings.cacheDir} (${codeOf(error)}); continuing without a cache`);
    return fetchEntry(miss, undefined);
  }
}

async function refreshLocked(miss: Miss): Promise<TokenEntry> {
  const { settings } = miss;
  const current = readEntry(settings.cacheDir, miss.key);
  const state = current ? stateOf(current, settings) : 'expired';
  if (current && state === 'fresh') return withHost(current, miss);

  let entry: TokenEntry;
  try {
    entry = await fetchEntry(miss, state === 'expired' ? undefined : current);
  } catch (error) {
    if (current && state === 'due' && isHelperError(error)) {
      warnUser(`could not refresh the ECR token (${error.message}); using the cached one, valid until ${new Date(current.expiresAt).toISOString()}`);
      return withHost(current, miss);
    }
    throw error;
  }
  save(entry, settings);
  await prune(settings, miss.key);
  return entry;
}

/** Calls ECR; the new entry keeps the hosts the previous token of this key served. */
async function fetchEntry(miss: Miss, previous: TokenEntry | undefined): Promise<TokenEntry> {
  log.debug(`miss for ${miss.registry.host}: calling GetAuthorizationToken in ${miss.registry.region} (${miss.identity.source})`);
  // Evaluated only here: processes that wait for another's refresh never initialise the AWS SDK.
  const { fetchToken } = await import('./ecr/client.js');
  const fetched = await fetchToken(miss.registry, { deadline: miss.deadline, timeoutMs: miss.settings.timeoutMs, source: miss.identity.source, env: miss.env, rule: miss.rule });
  const hosts = previous ? previous.hosts.filter((h) => h !== miss.serverURL) : [];
  return { schema: SCHEMA, ...miss.key, source: miss.identity.source, fetchedAt: Date.now(), ...fetched, hosts: [...hosts, miss.serverURL] };
}

/** Records that this entry answered serverURL, so that `list` reports it. */
function withHost(entry: TokenEntry, miss: Miss): TokenEntry {
  if (entry.hosts.includes(miss.serverURL)) return entry;
  const updated = { ...entry, hosts: [...entry.hosts, miss.serverURL] };
  save(updated, miss.settings);
  return updated;
}

function save(entry: TokenEntry, settings: Settings): void {
  try {
    writeEntry(settings.cacheDir, entry);
  } catch (error) {
    warnUser(`cannot write the token cache in ${settings.cacheDir} (${codeOf(error)}); the token is used but not kept`);
  }
}

/** Lock timed out: an unexpired cached token is still better than failing the pull. */
function servableOrThrow(miss: Miss, message: string): TokenEntry {
  const entry = readEntry(miss.settings.cacheDir, miss.key);
  if (entry && stateOf(entry, miss.settings) !== 'expired') {
    warnUser(`${message}; using the cached token`);
    return entry;
  }
  throw new HelperError(message);
}

/** Deletes expired entries of any key (each under its own lock) and orphaned temp files. */
async function prune(settings: Settings, keep: TokenKey): Promise<void> {
  const now = Date.now();
  const keepPath = entryPath(settings.cacheDir, keep);
  for (const path of entryFiles(settings.cacheDir)) {
    const entry = path === keepPath ? undefined : readEntryFile(path);
    if (!entry || freshness(entry, now, settings.refreshFraction) !== 'expired') continue;
    await removeExpired(path, settings).catch((error) => log.debug(`prune ${path}: ${codeOf(error)}`));
  }
  for (const path of orphanTempFiles(settings.cacheDir, now, ORPHAN_AGE_MS)) removeFile(path);
}

async function removeExpired(path: string, settings: Settings): Promise<void> {
  const release = await tryLock(path);
  if (!release) return; // someone is refreshing it right now
  try {
    const entry = readEntryFile(path);
    if (entry && freshness(entry, Date.now(), settings.refreshFraction) === 'expired') {
      removeFile(path);
      log.info(`pruned expired token entry ${path}`);
    }
  } finally {
    await release();
  }
}

function stateOf(entry: TokenEntry, settings: Settings): Freshness {
  return freshness(entry, Date.now(), settings.refreshFraction);
}

function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException)?.code ?? (error as Error)?.message ?? String(error);
}

/**
 * Only the answer may reach stdout. Dependencies that print (console.log, process warnings such as
 * the SDK's Node version notice) are sent to the log instead.
 */
function silenceStdout(): void {
  const toLog = (...parts: unknown[]) => log.debug(`console: ${parts.map(String).join(' ')}`);
  console.log = console.info = console.debug = console.trace = toLog;
  console.warn = console.error = (...parts: unknown[]) => log.warn(`console: ${parts.map(String).join(' ')}`);
  process.emitWarning = ((warning: string | Error) => log.debug(`process warning: ${String(warning)}`)) as typeof process.emitWarning;
}
