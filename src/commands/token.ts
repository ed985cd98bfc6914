// `token HOST`: only the password for HOST, from the same cache and single-flight refresh as `get`,
// for tools that log in with a password on stdin (`helm registry login --password-stdin`,
// `oras login`, `docker login --password-stdin`, CI scripts) without the AWS CLI or a second API
// call. Its errors go to stderr (main.ts), so a failure can never be piped on as a password.

import { HelperError, NAME, NOT_FOUND, isHelperError } from '../protocol.js';
import { ruleFor, targetOf } from '../rules.js';
import { credentialsFor, type Credentials } from './get.js';
import type { Context } from './context.js';

export function token(host: string, ctx: Context): string | Promise<string> {
  const serverURL = host.trim();
  if (serverURL === '') throw new HelperError(`usage: ${NAME} token HOST`, 2);
  const password = ({ password }: Credentials) => password;
  try {
    const credentials = credentialsFor(serverURL, ctx);
    return credentials instanceof Promise ? credentials.then(password, (error) => explainNotFound(error, serverURL, ctx)) : password(credentials);
  } catch (error) {
    return explainNotFound(error, serverURL, ctx);
  }
}

/** "Not found" is the protocol's word; a person needs to hear why there is no token. */
function explainNotFound(error: unknown, serverURL: string, ctx: Context): never {
  if (isHelperError(error) && error.message === NOT_FOUND) {
    const isRegistry = targetOf(serverURL, ruleFor(ctx.rules, serverURL)) !== undefined; // then ECR Public refused, and said why
    throw new HelperError(
      isRegistry
        ? `no ECR Public token for ${serverURL} (see the warning above)`
        : `no token for ${serverURL}: it is not an Amazon ECR registry and no rule in ${ctx.settings.configFile} maps it to one`,
    );
  }
  throw error;
}
