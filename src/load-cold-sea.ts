// The Node single-executable variant of load-cold.ts: the cold bundle is an asset of the
// executable, with the V8 code cache that the build made for this very binary.

import { createRequire } from 'node:module';
import { log } from './log.js';
import { runColdBundle, type ColdBundle } from './run-cold-bundle.js';

export type { ColdBundle };

export function loadColdBundle(): Promise<ColdBundle> {
  log.debug('loading the miss path');
  // node:sea exists only inside a single executable; required at run time so that this file bundles anywhere.
  const sea = createRequire(__filename)('node:sea') as { getAsset(key: string, encoding?: string): string | ArrayBuffer };
  let cachedData: Buffer | undefined;
  try {
    cachedData = Buffer.from(sea.getAsset('cold.cache') as ArrayBuffer);
  } catch {
    cachedData = undefined; // not built for this CPU
  }
  return Promise.resolve(runColdBundle(sea.getAsset('cold.cjs', 'utf8') as string, 'cold.cjs', cachedData));
}
