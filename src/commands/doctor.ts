// `doctor [HOST]`: is this machine wired up, and would a get for HOST work? One verdict per check,
// exit 1 if any failed. Reads files only; AWS is called only with --online. Never prints a token.

import { lstatSync } from 'node:fs';
import { homedir } from 'node:os';
import { decodeToken, freshness, keyOf } from '../cache/entry.js';
import { cacheDirProblem, entryFiles, entryPath, readEntryFile } from '../cache/files.js';
import { containersAuthPath, dockerConfigPath, HELPER_SUFFIX, parseConfigText, type JsonObject } from '../docker-config.js';
import { pathVerdict } from '../executable.js';
import { identifyFor } from '../identity.js';
import { isHelperError, NAME, VERSION } from '../protocol.js';
import { apiHostOf, type Registry } from '../registry.js';
import { authorityOf, parseRules, ruleFor, targetOf, type Rule } from '../rules.js';
import { fingerprintOfHost, type Context } from './context.js';

export type Verdict = 'pass' | 'warn' | 'fail';
export interface Check {
  check: string;
  verdict: Verdict;
  detail: string;
}

export interface DoctorOptions {
  host: string | undefined;
  online: boolean;
  json: boolean;
}

/** The context before the config file is parsed: doctor reports a malformed file instead of failing. */
export type DoctorContext = Omit<Context, 'rules'>;

export async function doctor(options: DoctorOptions, ctx: DoctorContext): Promise<{ text: string; ok: boolean }> {
  const checks: Check[] = [];
  const add = (check: string, verdict: Verdict, detail: string) => checks.push({ check, verdict, detail });
  const host = options.host === undefined ? undefined : (authorityOf(options.host) ?? options.host);

  const onPath = pathVerdict(ctx.env);
  if (onPath.kind === 'self') add('executable', 'pass', `${onPath.found} (this executable, ${VERSION})`);
  else if (onPath.kind === 'other') add('executable', 'warn', `PATH finds ${onPath.found} first, not this executable: Docker runs that one`);
  else add('executable', 'fail', `${NAME} is not on PATH, so Docker cannot run it: put it (or a link named ${NAME}) in a directory on PATH`);

  const rules = checkConfigFile(ctx, add);

  let target: { registry: Registry; rule: Rule | undefined } | undefined;
  if (host !== undefined) {
    const rule = ruleFor(rules, host);
    const registry = targetOf(host, rule);
    const ruleText = rule ? `rule ${rules.indexOf(rule) + 1} ("${rule.match}")` : 'no rule';
    if (!registry) add('registry', 'fail', `${host} is not an Amazon ECR registry and no rule maps it to one (${ruleText}): get answers "credentials not found"`);
    else {
      target = { registry, rule };
      const what = registry.service === 'public' ? 'ECR Public' : `account ${registry.account}`;
      add('registry', 'pass', `${registry.host} (${what}, ${registry.region}, ${registry.partition}), ${ruleText}, API ${apiHostOf(registry)}`);
      add('identity', 'pass', identifyFor(rule, ctx.env, ctx.readText).source);
    }
  }

  const home = ctx.env.HOME || homedir();
  checkDockerConfig(dockerConfigPath(ctx.env, home), host, target !== undefined, ctx, add);
  checkContainersAuth(containersAuthPath(ctx.env, home), host, ctx, add);

  checkCache(ctx, host, target, rules, add);
  if (options.online) {
    if (target) await checkOnline(target, ctx, add);
    else add('online', 'fail', host === undefined ? 'give a HOST to check online' : `nothing to fetch for ${host}`);
  }

  const ok = checks.every((c) => c.verdict !== 'fail');
  return { text: options.json ? JSON.stringify({ ok, host: host ?? null, checks }, null, 2) : render(checks, host, ok), ok };
}

type Add = (check: string, verdict: Verdict, detail: string) => void;

/** The config file's rules; a malformed file is a failed check (and no rules), not an abort. */
function checkConfigFile(ctx: DoctorContext, add: Add): Rule[] {
  const path = ctx.settings.configFile;
  const text = ctx.readText(path);
  if (text === undefined) {
    add('config file', 'pass', `${path}: none (optional)`);
    return [];
  }
  try {
    const { rules } = parseRules(text, path);
    add('config file', 'pass', `${path}: valid, ${rules.length} rule${rules.length === 1 ? '' : 's'}`);
    return rules;
  } catch (error) {
    add('config file', 'fail', isHelperError(error) ? error.message : String(error));
    return [];
  }
}

function checkDockerConfig(path: string, host: string | undefined, isRegistry: boolean, ctx: DoctorContext, add: Add): void {
  let config: JsonObject;
  try {
    config = parseConfigText(ctx.readText(path), path);
  } catch (error) {
    return add('docker config', 'fail', isHelperError(error) ? error.message : String(error));
  }
  const helpers = (config.credHelpers ?? {}) as JsonObject;
  const ours = Object.keys(helpers).filter((h) => helpers[h] === HELPER_SUFFIX);
  const store = config.credsStore === HELPER_SUFFIX;
  if (host === undefined) {
    if (ours.length > 0 || store) add('docker config', 'pass', `${path}: ${store ? 'credsStore is ecr-login; ' : ''}credHelpers for ${ours.length} host(s)${ours.length ? `: ${ours.join(', ')}` : ''}`);
    else add('docker config', 'warn', `${path}: no registry uses this helper yet; run: ${NAME} configure --registry HOST`);
    return;
  }
  const entry = helpers[host];
  if (entry === HELPER_SUFFIX) add('docker config', 'pass', `${path}: credHelpers "${host}": "ecr-login"`);
  else if (entry !== undefined) add('docker config', 'fail', `${path}: credHelpers sends ${host} to docker-credential-${String(entry)}; run: ${NAME} configure --registry ${host}`);
  else if (store) add('docker config', 'pass', `${path}: credsStore "ecr-login" answers ${host} (skopeo and podman ignore credsStore: configure --containers)`);
  else add('docker config', 'fail', `${path}: nothing sends ${host} to this helper${isRegistry ? `; run: ${NAME} configure --registry ${host}` : ''}`);
}

/** skopeo/podman read credHelpers from auth.json and then Docker's config.json; never credsStore. */
function checkContainersAuth(path: string, host: string | undefined, ctx: DoctorContext, add: Add): void {
  if (host === undefined) return;
  let config: JsonObject;
  try {
    config = parseConfigText(ctx.readText(path), path);
  } catch (error) {
    return add('containers auth', 'fail', isHelperError(error) ? error.message : String(error));
  }
  const entry = (config.credHelpers as JsonObject | undefined)?.[host];
  const auths = (config.auths ?? {}) as JsonObject;
  if (entry === HELPER_SUFFIX) add('containers auth', 'pass', `${path}: credHelpers "${host}": "ecr-login"`);
  else if (entry !== undefined) add('containers auth', 'fail', `${path}: credHelpers sends ${host} to docker-credential-${String(entry)} for skopeo/podman`);
  else if (Object.hasOwn(auths, host)) add('containers auth', 'warn', `${path}: a stored login for ${host} is used by skopeo/podman instead of this helper`);
  else add('containers auth', 'pass', `${path}: no entry; skopeo/podman use Docker's config.json`);
}

function checkCache(ctx: DoctorContext, host: string | undefined, target: { registry: Registry; rule: Rule | undefined } | undefined, rules: readonly Rule[], add: Add): void {
  const { settings } = ctx;
  if (settings.cacheDisabled) return add('cache', 'warn', 'disabled (AWS_ECR_DISABLE_CACHE): every get calls AWS');
  const problem = cacheDirProblem(settings.cacheDir);
  if (problem) return add('cache dir', 'fail', `${settings.cacheDir}: ${problem}; the helper runs without a cache`);
  let mode: number;
  try {
    mode = lstatSync(settings.cacheDir).mode & 0o777;
  } catch {
    return add('cache dir', 'pass', `${settings.cacheDir}: not created yet (the first get creates it, mode 0700)`);
  }
  add('cache dir', mode & 0o077 ? 'warn' : 'pass', `${settings.cacheDir}: mode ${mode.toString(8).padStart(4, '0')}${mode & 0o077 ? ' (others can read tokens: chmod 700 it)' : ''}`);

  const now = Date.now();
  const forHost = target ? entryPath(settings.cacheDir, keyOf(identifyFor(target.rule, ctx.env, ctx.readText), target.registry)) : undefined;
  const lines: string[] = [];
  const fingerprintFor = fingerprintOfHost(rules, ctx.env, ctx.readText);
  for (const path of entryFiles(settings.cacheDir)) {
    const entry = readEntryFile(path);
    if (!entry) continue;
    const state = freshness(entry, now, settings.refreshFraction);
    const identity = fingerprintFor(entry.hosts[0] ?? '') === entry.identity ? 'current identity' : 'another identity';
    const where = entry.service === 'public' ? 'ECR Public' : `${entry.region}${entry.fips ? ' FIPS' : ''}${entry.dualStack ? ' dual-stack' : ''}`;
    lines.push(`${where}, ${entry.source} (${identity}): ${state}, expires ${new Date(entry.expiresAt).toISOString()} (${inWords(entry.expiresAt - now)}); hosts: ${entry.hosts.join(', ') || '-'}${decodeToken(entry.authorizationToken) ? '' : ' [unreadable token]'}`);
  }
  add('cached tokens', 'pass', lines.length ? lines.join('\n') : 'none');
  if (forHost && host) {
    const entry = readEntryFile(forHost);
    const state = entry ? freshness(entry, now, settings.refreshFraction) : undefined;
    if (entry && state !== 'expired') add('token for host', 'pass', `cached, ${state}, expires ${new Date(entry.expiresAt).toISOString()}${entry.hosts.includes(host) ? '' : ` (not yet served to ${host})`}`);
    else add('token for host', 'pass', 'none cached: the next get fetches one');
  }
}

async function checkOnline(target: { registry: Registry; rule: Rule | undefined }, ctx: DoctorContext, add: Add): Promise<void> {
  const { fetchToken } = await import('../ecr/client.js');
  const identity = identifyFor(target.rule, ctx.env, ctx.readText);
  const started = Date.now();
  try {
    const deadline = performance.now() + ctx.settings.timeoutMs;
    const token = await fetchToken(target.registry, { deadline, timeoutMs: ctx.settings.timeoutMs, source: identity.source, env: ctx.env, rule: target.rule });
    add('ecr token', 'pass', `GetAuthorizationToken answered in ${Date.now() - started} ms; the token expires ${new Date(token.expiresAt).toISOString()} (not cached by doctor)`);
  } catch (error) {
    add('ecr token', 'fail', isHelperError(error) ? error.message : String(error));
  }
  const { callerIdentity } = await import('../ecr/caller.js');
  try {
    const caller = await callerIdentity(target.registry, ctx.env, target.rule, ctx.settings.timeoutMs);
    add('caller identity', 'pass', `${caller.arn} (account ${caller.account})`);
  } catch (error) {
    add('caller identity', 'fail', `sts:GetCallerIdentity failed: ${(error as Error)?.name}: ${(error as Error)?.message}`);
  }
}

function render(checks: readonly Check[], host: string | undefined, ok: boolean): string {
  const label: Record<Verdict, string> = { pass: 'ok  ', warn: 'warn', fail: 'FAIL' };
  const width = Math.max(...checks.map((c) => c.check.length));
  const lines = [`${NAME} ${VERSION} doctor${host ? ` for ${host}` : ''}`];
  for (const c of checks) {
    const [first, ...more] = c.detail.split('\n');
    lines.push(`  ${label[c.verdict]}  ${c.check.padEnd(width)}  ${first}`);
    for (const line of more) lines.push(`        ${' '.repeat(width)}  ${line}`);
  }
  const failed = checks.filter((c) => c.verdict === 'fail').length;
  const warned = checks.filter((c) => c.verdict === 'warn').length;
  lines.push(ok ? `verdict: ok${warned ? ` (${warned} warning${warned > 1 ? 's' : ''})` : ''}` : `verdict: ${failed} check${failed > 1 ? 's' : ''} failed`);
  return lines.join('\n');
}

function inWords(ms: number): string {
  const past = ms < 0;
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const text = minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
  return past ? `${text} ago` : `in ${text}`;
}
