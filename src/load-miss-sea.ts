// The single-executable variant of load-miss.ts: the cold bundle is an asset of the executable,
// compiled with node:vm (with the V8 code cache made at build time, when it still fits this binary).

import { createRequire } from 'node:module';
import { Script } from 'node:vm';
import { log } from './log.js';

export type MissPath = typeof import('./miss.js');

export const COLD_ASSET = 'cold.cjs';
export const COLD_CACHE_ASSET = 'cold.cache';

/** CommonJS wrapper, so that the asset runs like a required file; build and runtime must agree on it. */
export function wrapCommonJs(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
}

export function loadMissPath(): Promise<MissPath> {
  log.debug('loading the miss path');
  // node:sea exists only inside a single executable; required lazily so this file also type-checks and bundles elsewhere.
  const sea = createRequire(__filename)('node:sea') as { getAsset(key: string, encoding?: string): string | ArrayBuffer };
  const source = wrapCommonJs(sea.getAsset(COLD_ASSET, 'utf8') as string);
  let cachedData: Buffer | undefined;
  try {
    cachedData = Buffer.from(sea.getAsset(COLD_CACHE_ASSET) as ArrayBuffer);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(source, { filename: COLD_ASSET, cachedData });
  if (script.cachedDataRejected) log.debug('the cold bundle code cache was rejected; compiling from source');
  const run = script.runInThisContext() as (e: object, r: NodeJS.Require, m: { exports: object }, f: string, d: string) => void;
  const module = { exports: {} };
  run(module.exports, require, module, COLD_ASSET, '.');
  return Promise.resolve(module.exports as MissPath);
}
