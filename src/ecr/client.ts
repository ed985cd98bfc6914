// The ECR client: the only module that talks to AWS, through the AWS SDK v3. It is part of the cold
// bundle, loaded on a cache miss only. The SDK does signing, retries with backoff, the credential
// chain (every AWS_* variable and ~/.aws profile) and endpoint rules (FIPS, dual-stack, partitions).

import { inspect } from 'node:util';
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { decodeToken } from '../cache/entry.js';
import { addSecret, log } from '../log.js';
import { HelperError, isHelperError } from '../protocol.js';
import type { Registry } from '../registry.js';
import type { Rule } from '../rules.js';
import { sharedFilePaths } from '../identity.js';
import { chainDescription, describeFailure } from './errors.js';
import { requestHandlerOptions } from './network.js';

export interface FetchedToken {
  authorizationToken: string;
  /** epoch ms */
  expiresAt: number;
}

export interface FetchOptions {
  /** performance.now() (monotonic ms) by which to give up */
  deadline: number;
  timeoutMs: number;
  /** Description of the credential source, for error messages. */
  source: string;
  env: Record<string, string | undefined>;
  /** The config-file rule for the host: profile, role to assume, region of the credential calls. */
  rule?: Rule | undefined;
  /** Tests only: a request handler in place of the network. */
  requestHandler?: unknown;
}

class DeadlineError extends Error {
  override name = 'DeadlineError';
}

const text = (parts: unknown[]) => parts.map((p) => (typeof p === 'string' ? p : inspect(p, { depth: 3, breakLength: Infinity }))).join(' ');
export const sdkLogger = {
  trace: () => undefined,
  debug: (...parts: unknown[]) => log.debug(`aws-sdk: ${text(parts)}`),
  info: () => undefined, // the SDK logs command inputs and outputs at info: never let them near the log
  warn: (...parts: unknown[]) => log.warn(`aws-sdk: ${text(parts)}`),
  error: (...parts: unknown[]) => log.error(`aws-sdk: ${text(parts)}`),
};

export async function fetchToken(registry: Registry, options: FetchOptions): Promise<FetchedToken> {
  const remaining = Math.max(1, options.deadline - performance.now());
  const client = await createClient(registry, options, remaining);
  let endpointHost: string | undefined;
  client.middlewareStack.add(
    (next) => async (args) => {
      endpointHost = (args.request as { hostname?: string }).hostname;
      return next(args);
    },
    { step: 'finalizeRequest', name: 'recordEndpointHost' },
  );

  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new DeadlineError());
    }, remaining);
  });
  try {
    const data = await Promise.race([client.send(new GetAuthorizationTokenCommand({}), { abortSignal: controller.signal }), deadline]);
    return validToken(Array.isArray(data.authorizationData) ? data.authorizationData[0] : data.authorizationData, registry);
  } catch (error) {
    if (isHelperError(error)) throw error;
    log.debug(`GetAuthorizationToken failed: ${(error as Error)?.name}: ${(error as Error)?.message}`);
    const profile = options.rule?.profile ?? options.env.AWS_PROFILE ?? 'default';
    const chain = chainDescription(options.env, profile, sharedFilePaths(options.env));
    throw new HelperError(describeFailure(error, { registry, endpointHost, source: options.source, profile, chain, timeoutMs: options.timeoutMs }));
  } finally {
    clearTimeout(timer);
    client.destroy();
  }
}

// Both clients take the same configuration and answer GetAuthorizationToken with the same fields
// (ECR Public's authorizationData is one object, ECR's a list), so one narrow type covers both.
interface TokenClient {
  middlewareStack: ECRClient['middlewareStack'];
  send(command: unknown, options: { abortSignal: AbortSignal }): Promise<{ authorizationData?: unknown }>;
  destroy(): void;
}

async function createClient(registry: Registry, options: FetchOptions, remainingMs: number): Promise<TokenClient> {
  // An endpoint override (the tests' fake ECR, a VPC endpoint) cannot be combined with the FIPS or
  // dual-stack flags in the SDK's endpoint rules; the override names the host exactly anyway.
  const overrideVariable = registry.service === 'public' ? 'AWS_ENDPOINT_URL_ECR_PUBLIC' : 'AWS_ENDPOINT_URL_ECR';
  const overridden = Boolean(options.env[overrideVariable] || options.env.AWS_ENDPOINT_URL);
  const requestHandler = options.requestHandler ?? requestHandlerOptions(options.env, { connectionTimeout: Math.min(3_000, remainingMs), requestTimeout: remainingMs });
  const config = {
    region: registry.region,
    // The hostname decides FIPS and dual-stack; for a plain host, AWS_USE_FIPS_ENDPOINT etc. still apply.
    useFipsEndpoint: overridden ? undefined : registry.fips || undefined,
    useDualstackEndpoint: overridden ? undefined : registry.dualStack || undefined,
    credentials: credentialSource(requestHandler, options.rule, registry.region),
    maxAttempts: 3,
    logger: sdkLogger,
    requestHandler: requestHandler as never,
  };
  if (registry.service === 'public') {
    const { ECRPUBLICClient, GetAuthorizationTokenCommand: PublicCommand } = await import('@aws-sdk/client-ecr-public');
    const client = new ECRPUBLICClient(config);
    return {
      middlewareStack: client.middlewareStack as unknown as ECRClient['middlewareStack'],
      send: (_command, sendOptions) => client.send(new PublicCommand({}), sendOptions),
      destroy: () => client.destroy(),
    };
  }
  return new ECRClient(config) as unknown as TokenClient;
}

/**
 * The SDK's default credential chain, with STS and SSO calls going through the same proxy and CA
 * settings. Any failure in it (an STS AccessDenied while assuming a role, say) is marked as a
 * failure of the credential source, so that it is not reported as if ECR had answered.
 */
export function credentialSource(requestHandler: unknown, rule: Rule | undefined, registryRegion: string) {
  const clientConfig = { requestHandler: requestHandler as never, ...(rule?.region ? { region: rule.region } : {}) };
  // Instance metadata answers in milliseconds on EC2; off EC2 its address is a black hole. 500 ms per
  // request (token, then credentials) keeps that probe near a second instead of the SDK's two.
  const base = fromNodeProviderChain({ logger: sdkLogger, clientConfig, timeout: 500, maxRetries: 0, ...(rule?.profile ? { profile: rule.profile } : {}) });
  const chain = rule?.roleArn
    ? fromTemporaryCredentials({
        masterCredentials: base,
        params: {
          RoleArn: rule.roleArn,
          ExternalId: rule.externalId,
          RoleSessionName: rule.roleSessionName ?? `docker-credential-ecr-login-${Date.now()}`,
          DurationSeconds: rule.durationSeconds,
        },
        clientConfig: { ...clientConfig, region: rule.region ?? registryRegion },
      })
    : base;
  return async (...args: Parameters<typeof chain>) => {
    try {
      return await chain(...args);
    } catch (error) {
      throw new CredentialSourceError(error);
    }
  };
}

export class CredentialSourceError extends Error {
  override name = 'CredentialSourceError';
  constructor(override readonly cause: unknown) {
    super((cause as Error)?.message ?? String(cause));
  }
}

function validToken(data: unknown, registry: Registry): FetchedToken {
  const item = (data ?? {}) as { authorizationToken?: unknown; expiresAt?: unknown };
  const token = typeof item.authorizationToken === 'string' ? item.authorizationToken : undefined;
  const expiresAt = item.expiresAt instanceof Date ? item.expiresAt.getTime() : NaN;
  const decoded = token === undefined ? undefined : decodeToken(token);
  if (token === undefined || decoded === undefined || !Number.isFinite(expiresAt)) {
    const api = registry.service === 'public' ? 'ECR Public' : 'ECR';
    throw new HelperError(`${api} in ${registry.region} returned no usable authorization token (malformed authorizationData); try again, and report it if it persists`);
  }
  addSecret(token);
  addSecret(decoded.password);
  if (expiresAt <= Date.now()) {
    // Either ECR is confused or this machine's clock is far ahead: an expired token would only be refused by the registry.
    throw new HelperError(`${registry.service === 'public' ? 'ECR Public' : 'ECR'} in ${registry.region} returned a token that expired at ${new Date(expiresAt).toISOString()}, before this machine's time ${new Date().toISOString()}; check the system clock`);
  }
  return { authorizationToken: token, expiresAt };
}
