// The helper under test as real clients find it: a directory for PATH holding an executable named
// docker-credential-ecr-login, a shell wrapper that records each call (argv, stdin, stdout, stderr,
// exit code) and passes it on, unchanged, to the real executable. Tests read what the client asked
// and what the helper answered.

import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordRun } from '../helpers/secrets-scan.js';

export const HELPER_NAME = 'docker-credential-ecr-login';

export interface HelperCall {
  args: string[];
  stdin: string;
  stdout: string;
  stderr: string;
  code: number;
}

export class RecordingHelper {
  /** Put this first on PATH. */
  readonly binDir: string;
  private readonly records: string;

  constructor(dir: string, realExecutable: string) {
    this.binDir = join(dir, 'bin');
    this.records = join(dir, 'calls');
    mkdirSync(this.binDir, { recursive: true });
    mkdirSync(this.records, { recursive: true });
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    // One directory per call, named so that they sort in call order (nanoseconds, then the pid).
    writeFileSync(
      join(this.binDir, HELPER_NAME),
      [
        '#!/bin/sh',
        `d=${quote(this.records)}/$(date +%s%N)-$$`,
        'mkdir "$d"',
        'for a in "$@"; do printf "%s\\n" "$a"; done > "$d/args"',
        'cat > "$d/stdin"',
        `${quote(realExecutable)} "$@" < "$d/stdin" > "$d/stdout" 2> "$d/stderr"`,
        'code=$?',
        'cat "$d/stdout"',
        'cat "$d/stderr" >&2',
        'echo "$code" > "$d/code"',
        'exit "$code"',
        '',
      ].join('\n'),
    );
    chmodSync(join(this.binDir, HELPER_NAME), 0o755);
  }

  /** Every call so far, in order. */
  calls(): HelperCall[] {
    return readdirSync(this.records)
      .sort((a, b) => (BigInt(a.split('-')[0]!) < BigInt(b.split('-')[0]!) ? -1 : 1))
      .map((name) => {
        const file = (f: string) => join(this.records, name, f);
        const read = (f: string) => (existsSync(file(f)) ? readFileSync(file(f), 'utf8') : '');
        return {
          args: read('args').split('\n').slice(0, -1),
          stdin: read('stdin'),
          stdout: read('stdout'),
          stderr: read('stderr'),
          code: Number(read('code') || NaN),
        };
      });
  }

  /** Forgets the calls so far, after handing them to the secrets scan like every runHelper call. */
  clear(): void {
    for (const call of this.calls()) recordRun(HELPER_NAME, call.args, {}, call);
    for (const name of readdirSync(this.records)) rmSync(join(this.records, name), { recursive: true, force: true });
  }
}
