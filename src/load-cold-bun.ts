// The Bun executable's variant of load-cold.ts: the cold bundle is embedded as a file (compiled by
// Bun at the first miss); the hot entry, compiled to bytecode, stays small. Built by
// scripts/build-bun.ts only, after scripts/build.mjs has made the cold bundle.

import { readFileSync } from 'node:fs';
// @ts-expect-error -- a Bun import attribute: the path of the embedded file in the executable
import coldPath from '../dist/npm/docker-credential-ecr-login-cold.cjs' with { type: 'file' };
import { log } from './log.js';
import { runColdBundle, type ColdBundle } from './run-cold-bundle.js';

export type { ColdBundle };

export function loadColdBundle(): Promise<ColdBundle> {
  log.debug('loading the miss path');
  return Promise.resolve(runColdBundle(readFileSync(coldPath as string, 'utf8'), 'cold.cjs'));
}
