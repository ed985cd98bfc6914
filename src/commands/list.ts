// `list`: classic `docker build` lists the credsStore's hosts and then calls get for every one; if
// any get fails the build gets no credentials at all. So list only what get can answer from the
// cache right now: hosts this identity was served whose token is unexpired. No network call.

import { decodeToken, freshness } from '../cache/entry.js';
import { entryFiles, readEntryFile } from '../cache/files.js';
import { identifyFor } from '../identity.js';
import { ruleFor, type Rule } from '../rules.js';
import type { Context } from './context.js';

export function list(ctx: Context): string {
  const { settings } = ctx;
  const hosts: Record<string, string> = {};
  if (settings.cacheDisabled) return JSON.stringify(hosts);
  const now = Date.now();
  // The identity a host gets now (its config-file rule, or the default chain), computed once each.
  const fingerprints = new Map<Rule | undefined, string>();
  const fingerprintFor = (host: string) => {
    const rule = ruleFor(ctx.rules, host);
    if (!fingerprints.has(rule)) fingerprints.set(rule, identifyFor(rule, ctx.env, ctx.readText).fingerprint);
    return fingerprints.get(rule)!;
  };
  for (const path of entryFiles(settings.cacheDir)) {
    const entry = readEntryFile(path);
    if (!entry || freshness(entry, now, settings.refreshFraction) === 'expired') continue;
    const username = decodeToken(entry.authorizationToken)!.username;
    for (const host of entry.hosts) if (fingerprintFor(host) === entry.identity) hosts[host] = username;
  }
  return JSON.stringify(hosts);
}
