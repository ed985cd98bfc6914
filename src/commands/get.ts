// `get`: answer Docker with the ECR token for a registry host. Reads top to bottom: parse the
// request, resolve the registry (its hostname, or a config-file alias) and the identity (the
// config-file rule for the host, else the default chain), look up the cache, fetch under a lock on
// a miss, answer.
// Everything before the miss is synchronous and free of the AWS SDK. `token` shares this path.

import { freshness, decodeToken, keyOf, type TokenEntry } from '../cache/entry.js';
import { readEntry } from '../cache/files.js';
import { identifyFor } from '../identity.js';
import { addSecret, log, warnUser } from '../log.js';
import { credentialsJson, HelperError, isHelperError, NOT_FOUND, serverURLOf } from '../protocol.js';
import type { Registry } from '../registry.js';
import { ruleFor, targetOf } from '../rules.js';
import { loadColdBundle } from '../load-cold.js';
import type { Context } from './context.js';

export function get(request: string, ctx: Context): string | Promise<string> {
  const serverURL = serverURLOf(request);
  const toAnswer = ({ username, password }: Credentials) => credentialsJson(serverURL, username, password);
  const credentials = credentialsFor(serverURL, ctx);
  return credentials instanceof Promise ? credentials.then(toAnswer) : toAnswer(credentials);
}

export interface Credentials {
  username: string;
  password: string;
}

/** The credentials for a server URL: synchronously from the cache, or a promise on a miss. */
export function credentialsFor(serverURL: string, ctx: Context): Credentials | Promise<Credentials> {
  const rule = ruleFor(ctx.rules, serverURL);
  const registry = targetOf(serverURL, rule);
  if (!registry) throw new HelperError(NOT_FOUND); // not ECR: fast, no SDK, no network

  const { settings } = ctx;
  const identity = identifyFor(rule, ctx.env, ctx.readText);
  identity.secrets.forEach(addSecret);
  const key = keyOf(identity, registry);
  const cached = settings.cacheDisabled ? undefined : readEntry(settings.cacheDir, key);
  if (cached && freshness(cached, Date.now(), settings.refreshFraction) === 'fresh' && cached.hosts.includes(serverURL)) {
    log.debug(`cache hit for ${registry.host} (${identity.source})`);
    return credentialsOf(cached);
  }

  // On the monotonic clock: a wall clock set back while this get waits must not stretch AWS_ECR_TIMEOUT.
  const deadline = performance.now() + settings.timeoutMs;
  return loadColdBundle()
    .then((miss) => miss.obtainToken({ serverURL, registry, rule, identity, key, settings, env: ctx.env, deadline }))
    .then(credentialsOf, (error) => publicFallsBackToAnonymous(registry, error));
}

function credentialsOf(entry: TokenEntry): Credentials {
  const credentials = decodeToken(entry.authorizationToken)!; // entries are validated when read and fetched
  addSecret(credentials.password);
  return credentials;
}

/** ECR Public allows anonymous pulls: a failure there is "not found" plus a warning, not an abort. */
function publicFallsBackToAnonymous(registry: Registry, error: unknown): never {
  if (registry.service === 'public' && isHelperError(error)) {
    warnUser(`no ECR Public token (${error.message}); ${registry.host} will be used anonymously`);
    throw new HelperError(NOT_FOUND);
  }
  throw error;
}
