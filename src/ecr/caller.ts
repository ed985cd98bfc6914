// `doctor --online`: which AWS principal the helper's credentials are, by sts:GetCallerIdentity
// with the very credential source a get would use (the rule's profile or role included).

import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { Registry } from '../registry.js';
import type { Rule } from '../rules.js';
import { credentialSource, sdkLogger } from './client.js';
import { requestHandlerOptions } from './network.js';

export interface Caller {
  account: string;
  arn: string;
}

export async function callerIdentity(registry: Registry, env: Record<string, string | undefined>, rule: Rule | undefined, timeoutMs: number): Promise<Caller> {
  const requestHandler = requestHandlerOptions(env, { connectionTimeout: Math.min(3_000, timeoutMs), requestTimeout: timeoutMs });
  const client = new STSClient({
    region: rule?.region ?? registry.region,
    credentials: credentialSource(requestHandler, rule, registry.region),
    maxAttempts: 2,
    logger: sdkLogger,
    requestHandler: requestHandler as never,
  });
  try {
    const answer = await client.send(new GetCallerIdentityCommand({}), { abortSignal: AbortSignal.timeout(timeoutMs) });
    return { account: answer.Account ?? '?', arn: answer.Arn ?? '?' };
  } finally {
    client.destroy();
  }
}
