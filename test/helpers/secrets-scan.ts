// The secrets scan: the process-level suite runs at the most verbose log level (the Sandbox's
// default AWS_ECR_LOG_LEVEL=debug), and at the end of each test file every stdout and stderr capture
// of runHelper and every log file of every sandbox is searched for every secret the fakes issued or
// were sent, and every secret the tests handed the helper (test/fakes/secret-ledger.ts). One hit
// fails the file, naming the capture or file and the kind of secret, never the secret itself.
// The only text left out is the stdout of a successful `get` or `token`, whose answer is the password.
//
// runHelper and Sandbox feed it (test/helpers/helper-process.ts); test/helpers/secrets-scan.setup.ts
// runs the scan after each file; test/helpers/secrets-scan.global.ts sums the files' figures and
// fails the run if the process-level suite scanned nothing.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { noteSecret, notedSecrets } from '../fakes/secret-ledger.js';

export interface Scanned {
  name: string;
  text: string;
}

export interface ScanResult {
  captures: number;
  logFiles: number;
  secrets: number;
  /** One line per hit: where, what kind, a hash prefix of the secret. */
  hits: string[];
}

interface State {
  runs: number;
  captures: Scanned[];
  /** Log files by path, the latest content read. */
  logs: Map<string, string>;
  /** Directories that may hold logs and still exist: sandboxes not yet removed, cache dirs used. */
  pending: Set<string>;
}

// On globalThis, like the ledger: one state per test file however the module is loaded.
const KEY = Symbol.for('docker-credential-ecr-login.test.secrets-scan');
function state(): State {
  const holder = globalThis as { [KEY]?: State };
  return (holder[KEY] ??= { runs: 0, captures: [], logs: new Map(), pending: new Set() });
}

/** What one runHelper call printed, and the secrets its environment carried. */
export function recordRun(executable: string, args: readonly string[], env: Record<string, string | undefined>, out: { code: number | null; stdout: string; stderr: string }): void {
  const s = state();
  const name = `run #${++s.runs} (${basename(executable)} ${args.join(' ').slice(0, 80)}, exit ${out.code})`;
  noteSecret('AWS_SECRET_ACCESS_KEY given to the helper', env.AWS_SECRET_ACCESS_KEY);
  noteSecret('AWS_SESSION_TOKEN given to the helper', env.AWS_SESSION_TOKEN);
  if (env.AWS_ECR_CACHE_DIR) s.pending.add(env.AWS_ECR_CACHE_DIR);
  s.captures.push({ name: `stderr of ${name}`, text: out.stderr });
  const answersWithSecret = (args[0] === 'get' || args[0] === 'token') && out.code === 0;
  if (!answersWithSecret) s.captures.push({ name: `stdout of ${name}`, text: out.stdout });
}

/** A directory whose log files to scan later (a sandbox's root, while it exists). */
export function watchDir(dir: string): void {
  state().pending.add(dir);
}

const LOG_FILE = /\.log(\.[0-9]+)?$/;
const SECRET_LINE = /^\s*(aws_secret_access_key|aws_session_token)\s*=\s*(\S+)\s*$/gm;

/**
 * Reads every log file under dir (recursively), and learns the secrets of any AWS credentials or
 * config file there (a test may write a profile's keys without telling a fake). Call before removing it.
 */
export function harvest(dir: string): void {
  const s = state();
  s.pending.delete(dir);
  if (!existsSync(dir)) return;
  const walk = (d: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(d);
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(d, entry);
      let info;
      try {
        info = statSync(path);
      } catch {
        continue;
      }
      if (info.isDirectory()) walk(path);
      else if (info.isFile() && LOG_FILE.test(entry)) s.logs.set(path, readFileSync(path, 'utf8'));
      else if (info.isFile() && info.size < 1024 * 1024) {
        const text = readFileSync(path, 'latin1');
        for (const [, name, value] of text.matchAll(SECRET_LINE)) noteSecret(`${name} in ${entry}`, value);
      }
    }
  };
  walk(dir);
}

/** Searches everything recorded in this test file for every secret noted. */
export function scan(): ScanResult {
  const s = state();
  for (const dir of [...s.pending]) harvest(dir);
  const secrets = notedSecrets();
  const haystacks: Scanned[] = [...s.captures, ...[...s.logs].map(([path, text]) => ({ name: `log file ${path}`, text }))];
  const hits: string[] = [];
  // A capture's name shows the helper's arguments: never a secret among them either.
  const shown = (name: string) => [...secrets.keys()].reduce((n, secret) => n.split(secret).join('[a secret]'), name);
  for (const { name, text } of haystacks) {
    for (const [secret, kind] of secrets) {
      if (text.includes(secret)) hits.push(`${shown(name)}: ${kind} (sha256 ${createHash('sha256').update(secret).digest('hex').slice(0, 12)}…, ${secret.length} chars)`);
    }
  }
  return { captures: s.captures.length, logFiles: s.logs.size, secrets: secrets.size, hits };
}
