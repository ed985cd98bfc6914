// `store`: `docker login` and `skopeo login` call it after a login. ECR tokens come from AWS, so
// for an ECR host there is nothing to keep and it succeeds; for any other host it says plainly
// that this helper keeps no credentials, instead of pretending to.

import { HelperError, NAME, parseStoreRequest } from '../protocol.js';
import { hostOf } from '../registry.js';
import { ruleFor, targetOf } from '../rules.js';
import type { Context } from './context.js';

export function store(request: string, ctx: Context): undefined {
  if (ctx.settings.ignoreCredsStorage) return undefined;
  const { serverURL } = parseStoreRequest(request);
  if (!targetOf(serverURL, ruleFor(ctx.rules, serverURL))) {
    const host = hostOf(serverURL) ?? serverURL.slice(0, 100);
    throw new HelperError(`${NAME} stores no credentials: it only answers for Amazon ECR registries and ${host} is not one; use another credential store for it`);
  }
  return undefined;
}
