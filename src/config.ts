// Configuration: the helper's own settings, read from AWS_ECR_* environment variables.
// A malformed value is a clear error, never a silent fallback.

import { homedir } from 'node:os';
import { join } from 'node:path';
import envPaths from 'env-paths';
import { HelperError } from './protocol.js';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];

export interface Settings {
  /** Where tokens, locks and the log live. */
  cacheDir: string;
  /** AWS_ECR_DISABLE_CACHE: fetch on every get, read and write no token file. */
  cacheDisabled: boolean;
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

export const DEFAULTS = { refreshFraction: 0.5, logLevel: 'warn' as LogLevel, timeoutSeconds: 20 };

export function readSettings(env: Env): Settings {
  return {
    cacheDir: cacheDirOf(env),
    cacheDisabled: Boolean(env.AWS_ECR_DISABLE_CACHE),
    refreshFraction: fractionOf(env, 'AWS_ECR_REFRESH_FRACTION', DEFAULTS.refreshFraction),
    logLevel: logLevelOf(env),
    timeoutMs: secondsOf(env, 'AWS_ECR_TIMEOUT', DEFAULTS.timeoutSeconds) * 1000,
    ignoreCredsStorage: env.AWS_ECR_IGNORE_CREDS_STORAGE?.toLowerCase() === 'true',
    configFile: env.AWS_ECR_CONFIG_FILE || join(envPaths('docker-credential-ecr-login', { suffix: '' }).config, 'config.json'),
  };
}

function cacheDirOf(env: Env): string {
  const configured = env.AWS_ECR_CACHE_DIR;
  if (configured) {
    // The Go helper documents `~/.ecr`; expand a leading ~ the same way.
    return configured === '~' || configured.startsWith('~/') ? join(env.HOME || homedir(), configured.slice(1)) : configured;
  }
  return envPaths('docker-credential-ecr-login', { suffix: '' }).cache;
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
