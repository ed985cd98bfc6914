// `configure`: wires Docker (and, with --containers, skopeo/podman/buildah) to this helper by adding
// or removing `credHelpers` entries, as `gcloud auth configure-docker` does. Every other key of the
// file is kept; the new file is written atomically and the old one kept as a backup. A file that
// is not valid JSON is never touched.

import { copyFileSync, mkdirSync, realpathSync, renameSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname } from 'node:path';
import { writeAtomically } from '../atomic-file.js';
import { containersAuthPath, credsStoreNotes, dockerConfigPath, formatLike, parseConfigText, updateCredHelpers, type Change } from '../docker-config.js';
import { pathVerdict } from '../executable.js';
import { warnUser } from '../log.js';
import { EXIT_USAGE, HelperError, NAME } from '../protocol.js';
import { authorityOf, ruleFor, targetOf } from '../rules.js';
import { lineDiff } from '../text-diff.js';
import type { Context } from './context.js';

export interface ConfigureOptions {
  registries: string[];
  public: boolean;
  fromConfig: boolean;
  remove: boolean;
  containers: boolean;
  dryRun: boolean;
}

export function configure(options: ConfigureOptions, ctx: Context): string {
  const hosts = hostsToConfigure(options, ctx);
  const home = ctx.env.HOME || homedir();
  const files = [dockerConfigPath(ctx.env, home), ...(options.containers ? [containersAuthPath(ctx.env, home)] : [])];
  // Parse every file before writing any, so that one bad file leaves all of them untouched.
  const plans = files.map((path) => planFor(path, hosts, options.remove, ctx));
  const report: string[] = [];
  for (const plan of plans) {
    report.push(...plan.changes.map((change) => describe(change, plan.path)));
    if (plan.after === undefined) continue;
    if (options.dryRun) report.push(lineDiff(plan.before ?? '', plan.after, { before: plan.path, after: `${plan.path} (after configure)` }));
    else report.push(write(plan.path, plan.before, plan.after));
  }
  if (!options.remove) warnAboutPath(ctx);
  if (options.dryRun) report.push('dry run: nothing was written');
  return report.join('\n');
}

/** The hosts named by the options, each validated and in the form Docker uses as a key. */
function hostsToConfigure(options: ConfigureOptions, ctx: Context): string[] {
  const hosts: string[] = [];
  for (const given of options.registries) {
    const host = authorityOf(given);
    if (host === undefined) throw new HelperError(`--registry ${given.slice(0, 100)}: not a registry host name`, EXIT_USAGE);
    // Removing is allowed for any host (a mistaken entry); adding only for hosts `get` can answer.
    if (!options.remove && !targetOf(host, ruleFor(ctx.rules, host))) {
      throw new HelperError(`${host} is not an Amazon ECR registry, and no rule in ${ctx.settings.configFile} maps it to one (add {"match": "${host}", "registry": "<account>.dkr.ecr.<region>.amazonaws.com"}); nothing was written`);
    }
    hosts.push(host);
  }
  if (options.public) hosts.push('public.ecr.aws');
  if (options.fromConfig) hosts.push(...configFileHosts(ctx));
  if (hosts.length === 0) throw new HelperError(`nothing to configure: give --registry HOST, --public or --from-config (see: ${NAME} configure --help)`, EXIT_USAGE);
  return [...new Set(hosts)];
}

/** The config file's exact hosts that resolve to a registry; wildcard rules cannot be credHelpers keys. */
function configFileHosts(ctx: Context): string[] {
  if (ctx.rules.length === 0) throw new HelperError(`--from-config: ${ctx.settings.configFile} has no rules`);
  const hosts: string[] = [];
  ctx.rules.forEach((rule, index) => {
    if (rule.match.includes('*')) {
      warnUser(`rule ${index + 1} ("${rule.match}") is a wildcard: credHelpers has no wildcards, so add its hosts with --registry`);
      return;
    }
    const host = authorityOf(rule.match);
    if (host !== undefined && targetOf(host, ruleFor(ctx.rules, host))) hosts.push(host); // as get will resolve it
  });
  return hosts;
}

interface Plan {
  path: string;
  before: string | undefined;
  /** The new text; undefined when nothing changes. */
  after: string | undefined;
  changes: Change[];
}

function planFor(path: string, hosts: readonly string[], remove: boolean, ctx: Context): Plan {
  const before = ctx.readText(path);
  const config = parseConfigText(before, path);
  const { config: updated, changes } = updateCredHelpers(config, hosts, remove);
  credsStoreNotes(config, hosts, remove).forEach((note) => warnUser(note));
  return { path, before, after: updated === config ? undefined : formatLike(before, updated), changes };
}

function describe(change: Change, path: string): string {
  switch (change.kind) {
    case 'added':
      return `${path}: added credHelpers "${change.host}": "ecr-login"`;
    case 'replaced':
      return `${path}: credHelpers "${change.host}" now "ecr-login" (was "${change.other}")`;
    case 'removed':
      return `${path}: removed credHelpers "${change.host}"`;
    case 'already':
      return `${path}: credHelpers "${change.host}" is already "ecr-login"`;
    case 'absent':
      return `${path}: no credHelpers entry for "${change.host}"`;
    case 'kept':
      return `${path}: kept credHelpers "${change.host}": "${change.other}" (not this helper's)`;
  }
}

/** Writes atomically (temp file, fsync, rename) with the old file kept as <path>.bak. */
function write(path: string, before: string | undefined, after: string): string {
  const target = resolveSymlink(path); // a dotfiles symlink stays a symlink
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  const mode = before === undefined ? 0o600 : statSync(target).mode & 0o777;
  try {
    writeAtomically(`${target}.${process.pid}.tmp`, after, mode, (temp) => {
      if (before !== undefined) copyFileSync(target, `${target}.bak`);
      renameSync(temp, target);
    });
  } catch (error) {
    throw new HelperError(`cannot write ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); it was left as it was`);
  }
  return before === undefined ? `${path}: created` : `${path}: written (the previous version is ${target}.bak)`;
}

function resolveSymlink(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path; // does not exist yet
  }
}

function warnAboutPath(ctx: Context): void {
  const verdict = pathVerdict(ctx.env);
  if (verdict.kind === 'missing') warnUser(`${NAME} is not on PATH, so Docker cannot run it: put it (or a link to it named ${NAME}) in a directory on PATH`);
  else if (verdict.kind === 'other') warnUser(`PATH finds ${verdict.found} first, not this executable: Docker will run that one`);
}
