// Logging: never on stdout. Lines at or above the configured level go to a size-capped log file in
// the cache dir; warnings meant for the user also go to stderr (which Docker shows). Every line is
// redacted: registered secrets (tokens, passwords, AWS keys) and anything shaped like one.

import { closeSync, constants, fchmodSync, fstatSync, lstatSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ensureCacheDir, NO_FOLLOW, ownerProblem } from './cache/files.js';
import type { LogLevel } from './config.js';
import { printableLine, writeLine } from './protocol.js';

export const LOG_FILE_NAME = 'docker-credential-ecr-login.log';
/** The log is rotated to `<name>.1` (one generation) when it passes this size. */
export const LOG_MAX_BYTES = 1024 * 1024;

const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

// Shapes of secrets that must never be written even if a message carried one by accident:
// access key ids, and long base64/hex runs (secret keys are 40 characters, tokens far longer).
// A long run must contain a digit or a capital letter (package names such as
// @aws-sdk/credential-provider-web-identity stay readable), and a run with slashes must be very long
// (file paths stay readable; tokens are hundreds of characters).
const SECRET_SHAPES = [
  /\b(?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{16}\b/g,
  /(?=[A-Za-z0-9+=_-]*[0-9A-Z])[A-Za-z0-9+=_-]{40,}/g,
  /(?=[A-Za-z0-9+/=_-]*[0-9A-Z])[A-Za-z0-9+/=_-]{100,}/g,
];

const secrets = new Set<string>();
let destination: { dir: string; level: LogLevel } | undefined;
/** The log dir ensureCacheDir has accepted in this process. */
let checkedDir: string | undefined;

/** Sets where and from which level lines are written, and learns the secrets of the environment. */
export function configureLog(dir: string, level: LogLevel, env: Record<string, string | undefined>): void {
  destination = { dir, level };
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) addSecret(env[name]);
}

/** Registers a value that must never appear in a log line, an error or stderr. */
export function addSecret(value: string | undefined): void {
  if (value && value.length >= 4) secrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('[redacted]');
  for (const shape of SECRET_SHAPES) out = out.replace(shape, '[redacted]');
  return out;
}

export const log = {
  error: (message: string) => write('error', message),
  warn: (message: string) => write('warn', message),
  info: (message: string) => write('info', message),
  debug: (message: string) => write('debug', message),
  enabled: (level: LogLevel) => destination !== undefined && RANK[level] <= RANK[destination.level],
};

/** A warning the user should see: one line on stderr, and in the log. */
export function warnUser(message: string): void {
  const line = redact(printableLine(message));
  try {
    writeLine(2, `docker-credential-ecr-login: warning: ${line}`);
  } catch {
    // stderr closed: the log still has it
  }
  write('warn', line);
}

function write(level: LogLevel, message: string): void {
  if (!log.enabled(level) || !destination?.dir) return; // no dir: no cache, no log
  const file = join(destination.dir, LOG_FILE_NAME);
  // One line per entry: a message cannot forge log lines.
  const line = `${new Date().toISOString()} pid=${process.pid} ${level} ${redact(message).replace(/\r?\n/g, ' | ')}\n`;
  try {
    if (checkedDir !== destination.dir) {
      ensureCacheDir(destination.dir); // 0700; throws if it is a symlink or another user's
      checkedDir = destination.dir; // once per process, not once per line
    }
    rotateIfFull(file);
    append(file, line);
  } catch {
    // Logging must never break a credential answer.
  }
}

/** Appends to the log (created 0600), never through a symlink and never to another user's file. */
function append(file: string, line: string): void {
  const fd = openSync(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | NO_FOLLOW, 0o600);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || ownerProblem(stat)) return;
    if (stat.mode & 0o077) fchmodSync(fd, 0o600); // a log made by hand or by an older version
    writeSync(fd, line);
  } finally {
    closeSync(fd);
  }
}

function rotateIfFull(file: string): void {
  try {
    if (lstatSync(file).size >= LOG_MAX_BYTES) renameSync(file, `${file}.1`);
  } catch {
    // no log yet
  }
}
