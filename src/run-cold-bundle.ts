// Runs the cold bundle (a CommonJS file) from its source text, for the single-file executables that
// carry it as an embedded asset instead of a file beside them (load-cold-sea.ts, load-cold-bun.ts).

import { Script } from 'node:vm';
import { log } from './log.js';

export type ColdBundle = typeof import('./cold.js');

/** CommonJS wrapper; the SEA build makes its code cache from the same text (scripts/sea-code-cache.cjs). */
export function wrapCommonJs(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
}

export function runColdBundle(source: string, filename: string, cachedData?: Buffer): ColdBundle {
  const script = new Script(wrapCommonJs(source), { filename, cachedData });
  if (cachedData && script.cachedDataRejected) log.debug('the cold bundle code cache was rejected; compiled from source');
  const run = script.runInThisContext() as (exports: object, req: NodeJS.Require, module: { exports: object }, file: string, dir: string) => void;
  const module = { exports: {} };
  // The bundle needs only built-in modules, which the executable's own require provides.
  run(module.exports, require, module, filename, '.');
  return module.exports as ColdBundle;
}
