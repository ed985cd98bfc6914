// `erase`: `docker logout` calls it. For an ECR host it evicts the cached token of this identity
// (the next get fetches a new one); for any other host there is nothing to erase.

import { keyOf } from '../cache/entry.js';
import { entryPath, removeFile } from '../cache/files.js';
import { identifyFor } from '../identity.js';
import { log } from '../log.js';
import { serverURLOf } from '../protocol.js';
import { ruleFor, targetOf } from '../rules.js';
import type { Context } from './context.js';

export function erase(request: string, ctx: Context): undefined {
  if (ctx.settings.ignoreCredsStorage) return undefined;
  const serverURL = serverURLOf(request);
  const rule = ruleFor(ctx.rules, serverURL);
  const registry = targetOf(serverURL, rule);
  if (!registry || ctx.settings.cacheDisabled) return undefined;
  const key = keyOf(identifyFor(rule, ctx.env, ctx.readText), registry);
  // Unlinking is atomic: a reader sees the entry or a miss. No lock needed.
  removeFile(entryPath(ctx.settings.cacheDir, key));
  log.info(`erased the cached token for ${registry.host}`);
  return undefined;
}
