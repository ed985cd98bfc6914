// Configuration: the helper's own settings, read from AWS_ECR_* environment variables.
// A malformed value is a clear error, never a silent fallback.

import { isAbsolute, join } from 'node:path';
import envPaths from 'env-paths';
import { HelperError } from './protocol.js';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];

export interface Settings {
  /** Where tokens, locks and the log live. */
  cacheDir: string;
  /** AWS_ECR_DISABLE_CACHE, or no cache dir can be named: fetch on every get, read and write no token file. */
  cacheDisabled: boolean;
  /** Why the cache is off although the user did not disable it (no HOME); a get warns with it. */
  noCacheReason?: string;
  /** Refresh a token once less than this fraction of its lifetime is left. */
  refreshFraction: number;
  logLevel: LogLevel;
  /** Upper bound for one get, waiting for another process's lock included. */
  timeoutMs: number;
  /** AWS_ECR_IGNORE_CREDS_STORAGE=true: store and erase always succeed and do nothing. */
  ignoreCredsStorage: boolean;
  /** The rules file (AWS_ECR_CONFIG_FILE, else config.json in the OS config dir); optional. */
  configFile: string;
}

type Env = Record<string, string | undefined>;

const NAME = 'docker-credential-ecr-login';

export const DEFAULTS = { refreshFraction: 0.5, logLevel: 'warn' as LogLevel, timeoutSeconds: 20 };

export function readSettings(env: Env): Settings {
  const cache = cacheDirOf(env);
  return {
    cacheDir: cache.dir,
    cacheDisabled: Boolean(env.AWS_ECR_DISABLE_CACHE) || cache.dir === '',
    noCacheReason: cache.noCacheReason,
    refreshFraction: fractionOf(env, 'AWS_ECR_REFRESH_FRACTION', DEFAULTS.refreshFraction),
    logLevel: logLevelOf(env),
    timeoutMs: secondsOf(env, 'AWS_ECR_TIMEOUT', DEFAULTS.timeoutSeconds) * 1000,
    ignoreCredsStorage: env.AWS_ECR_IGNORE_CREDS_STORAGE?.toLowerCase() === 'true',
    configFile: env.AWS_ECR_CONFIG_FILE || join(envPaths(NAME, { suffix: '' }).config, 'config.json'),
  };
}

/** The cache dir; '' (no cache, nor log file) with the reason when there is no home to put it in. */
function cacheDirOf(env: Env): { dir: string; noCacheReason?: string } {
  // $HOME, never os.homedir(): without HOME that falls back to the passwd entry (/root in a container
  // run without HOME, a service account's home), a home this environment does not own. A relative
  // HOME would put the cache wherever the caller's working directory happens to be.
  const home = env.HOME && isAbsolute(env.HOME) ? env.HOME : undefined;
  const noHome = (what: string) => ({ dir: '', noCacheReason: `HOME is not set (or not an absolute path) and ${what}` });
  const configured = env.AWS_ECR_CACHE_DIR;
  if (configured) {
    // The Go helper documents `~/.ecr`; expand a leading ~ the same way.
    if (configured !== '~' && !configured.startsWith('~/')) return { dir: configured };
    return home ? { dir: join(home, configured.slice(1)) } : noHome(`AWS_ECR_CACHE_DIR (${configured}) is relative to it`);
  }
  // env-paths names the OS cache dir (XDG_CACHE_HOME or ~/.cache, ~/Library/Caches, %LOCALAPPDATA%);
  // it is asked only when that dir cannot be the passwd home or a relative path.
  const xdg = process.platform === 'linux' && env.XDG_CACHE_HOME;
  if (home || process.platform === 'win32' || (xdg && isAbsolute(xdg))) return { dir: envPaths(NAME, { suffix: '' }).cache };
  return noHome('neither AWS_ECR_CACHE_DIR nor XDG_CACHE_HOME is set');
}

function logLevelOf(env: Env): LogLevel {
  const value = env.AWS_ECR_LOG_LEVEL?.trim().toLowerCase();
  if (!value) return DEFAULTS.logLevel;
  if ((LOG_LEVELS as string[]).includes(value)) return value as LogLevel;
  throw new HelperError(`AWS_ECR_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${value.slice(0, 20)}")`);
}

function fractionOf(env: Env, name: string, fallback: number): number {
  const value = numberOf(env, name);
  if (value === undefined) return fallback;
  if (value > 0 && value < 1) return value;
  throw new HelperError(`${name} must be a fraction between 0 and 1, e.g. 0.5 (got "${env[name]!.trim().slice(0, 20)}")`);
}

function secondsOf(env: Env, name: string, fallback: number): number {
  const value = numberOf(env, name);
  if (value === undefined) return fallback;
  if (value > 0 && value <= 3600) return value;
  throw new HelperError(`${name} must be a number of seconds between 0 and 3600, e.g. 20 (got "${env[name]!.trim().slice(0, 20)}")`);
}

function numberOf(env: Env, name: string): number | undefined {
  const raw = env[name]?.trim();
  return raw ? Number(raw) : undefined; // NaN fails every range check
}
