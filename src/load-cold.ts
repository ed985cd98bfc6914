// The miss path (AWS SDK, proper-lockfile) is a separate bundle, loaded only when the cache cannot
// answer, so that a cache hit never reads or parses it. The build maps this import to the cold
// bundle beside the script (npm install) or to load-cold-sea.ts (single executable).

import { log } from './log.js';

export type ColdBundle = typeof import('./cold.js');

export function loadColdBundle(): Promise<ColdBundle> {
  log.debug('loading the miss path');
  return import('./cold.js');
}
