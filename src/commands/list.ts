// `list`: classic `docker build` lists the credsStore's hosts and then calls get for every one; if
// any get fails the build gets no credentials at all. So list only what get can answer from the
// cache right now: hosts this identity was served whose token is unexpired. No network call.

import { decodeToken, freshness } from '../cache/entry.js';
import { entryFiles, readEntryFile } from '../cache/files.js';
import { fingerprintOfHost, type Context } from './context.js';

export function list(ctx: Context): string {
  const { settings } = ctx;
  const hosts: Record<string, string> = {};
  if (settings.cacheDisabled) return JSON.stringify(hosts);
  const now = Date.now();
  const fingerprintFor = fingerprintOfHost(ctx.rules, ctx.env, ctx.readText);
  for (const path of entryFiles(settings.cacheDir)) {
    const entry = readEntryFile(path);
    if (!entry || freshness(entry, now, settings.refreshFraction) === 'expired') continue;
    const username = decodeToken(entry.authorizationToken)!.username;
    for (const host of entry.hosts) if (fingerprintFor(host) === entry.identity) hosts[host] = username;
  }
  return JSON.stringify(hosts);
}
