// Turns an AWS SDK or network failure into the one line a Docker user reads: what failed and what
// to do about it. Pure. Messages quoted from AWS name principals and actions, never secrets; they
// are redacted again before they are written anywhere.

import type { Registry } from '../registry.js';

export interface FailureContext {
  registry: Registry;
  /** The AWS API host the request went to (or would have), if known. */
  endpointHost: string | undefined;
  /** Description of the credential source in use. */
  source: string;
  /** The shared-config profile in use (a rule's, AWS_PROFILE, or "default"). */
  profile: string;
  /** The places the SDK's credential chain looks, for "no credentials" (see chainDescription). */
  chain: string;
  timeoutMs: number;
}

const TLS_TRUST_CODES = new Set(['SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', 'CERT_UNTRUSTED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_HAS_EXPIRED']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED']);
const TIMEOUT_NAMES = new Set(['TimeoutError', 'AbortError', 'DeadlineError', 'RequestTimeout']);
const BAD_CREDENTIAL_NAMES = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'ExpiredToken',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
]);
const THROTTLING_NAMES = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded']);

interface SdkErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $metadata?: { attempts?: unknown; httpStatusCode?: unknown };
  $fault?: unknown;
}

export function describeFailure(error: unknown, ctx: FailureContext): string {
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as SdkErrorShape;
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const message = oneLine(typeof e.message === 'string' ? e.message : '');
  const code = typeof e.code === 'string' ? e.code : undefined;
  const attempts = typeof e.$metadata?.attempts === 'number' ? e.$metadata.attempts : undefined;
  const { registry } = ctx;
  const api = registry.service === 'public' ? 'ECR Public' : 'ECR';
  const where = `${api} in ${registry.region}`;
  const endpoint = ctx.endpointHost ?? `the ${api} API`;
  const permission = registry.service === 'public' ? 'ecr-public:GetAuthorizationToken and sts:GetServiceBearerToken' : 'ecr:GetAuthorizationToken';

  if (name === 'CredentialSourceError') return describeSourceFailure((e as { cause?: unknown }).cause, ctx);
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) return describeSourceFailure(error, ctx);
  if (name === 'AccessDeniedException' || name === 'AccessDenied') {
    return `access denied by ${where}: ${message || name}; the principal needs ${permission}`;
  }
  if (BAD_CREDENTIAL_NAMES.has(name)) {
    return `AWS rejected the credentials from ${ctx.source} (${name}: ${message}); refresh or replace them`;
  }
  if (THROTTLING_NAMES.has(name)) {
    return `${where} throttled GetAuthorizationToken${attempts ? ` after ${attempts} attempts` : ''}; try again in a few seconds`;
  }
  if (TIMEOUT_NAMES.has(name) || code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT') {
    return `timed out after ${Math.round(ctx.timeoutMs / 1000)}s getting a token from ${endpoint}; check the network or proxy, or raise AWS_ECR_TIMEOUT`;
  }
  if (code && TLS_TRUST_CODES.has(code)) {
    return `the TLS certificate of ${endpoint} is not trusted (${code}); if a proxy or a private CA is in the way, set AWS_CA_BUNDLE to its CA certificates`;
  }
  if (code && NETWORK_CODES.has(code)) {
    return `cannot reach ${endpoint} (${code}); check the network, proxy settings and AWS_ENDPOINT_URL_* variables`;
  }
  // The SDK appends a hint for developers ("Deserialization error: to see the raw response, inspect
  // the hidden field {error}.$response ..."), meaningless to a Docker user: say what happened.
  const deserialization = /\s*Deserialization error:.*$/;
  if (deserialization.test(message)) {
    return `${where} returned a malformed answer to GetAuthorizationToken (${name}: ${message.replace(deserialization, '')}); try again, and report it if it persists`;
  }
  if (e.$fault === 'server' || (typeof e.$metadata?.httpStatusCode === 'number' && e.$metadata.httpStatusCode >= 500)) {
    return `${where} failed (${name}: ${message})${attempts ? ` after ${attempts} attempts` : ''}; try again shortly`;
  }
  return `${api} GetAuthorizationToken failed in ${registry.region}: ${name}${message ? `: ${message}` : ''}`;
}

/** The credential chain failed before ECR was asked: name the source and what it said. */
function describeSourceFailure(cause: unknown, ctx: FailureContext): string {
  const c = (typeof cause === 'object' && cause !== null ? cause : { message: String(cause) }) as SdkErrorShape;
  const name = typeof c.name === 'string' ? c.name : 'Error';
  const message = oneLine(typeof c.message === 'string' ? c.message : '');
  const prefix = `no AWS credentials for ${ctx.registry.host} (tried ${ctx.source})`;
  if (/\bSSO\b/i.test(message) || /^(SSOTokenProviderFailure|TokenProviderError|UnauthorizedException)$/.test(name)) {
    return `the AWS SSO login of profile "${ctx.profile}" is missing or expired (${message}); run: aws sso login --profile ${ctx.profile}`;
  }
  // Nothing configured and the chain ran out: list where it looked. A configured source that
  // failed (a container endpoint answering 401, say) is named instead, below.
  const fellThrough = /^(no credential source|instance metadata)/.test(ctx.source);
  if (fellThrough && /could not load credentials from any providers/i.test(message)) {
    return `no AWS credentials for ${ctx.registry.host}: none found in ${ctx.chain}; set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run "aws configure"`;
  }
  if (name === 'CredentialsProviderError') {
    return `${prefix}: ${message || 'no provider supplied any'}; set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run "aws configure"`;
  }
  const advice =
    name === 'AccessDenied' || name === 'AccessDeniedException'
      ? "the calling principal needs sts:AssumeRole* on the role, and the role's trust policy must allow it"
      : /^(InvalidIdentityToken|IDPRejectedClaim|IDPCommunicationError)(Exception)?$/.test(name)
        ? "the identity provider's token was rejected: check the role's trust policy (audience, subject) and the token file"
        : BAD_CREDENTIAL_NAMES.has(name)
          ? 'the source credentials were rejected: refresh or replace them'
          : 'check the profile and the network';
  return `${prefix}: STS ${name}: ${message}; ${advice}`;
}

/** Where the SDK's default chain looks, in its order, as a user can check it. */
export function chainDescription(env: Record<string, string | undefined>, profile: string, files: { config: string; credentials: string }): string {
  const imdsDisabled = Boolean(env.AWS_EC2_METADATA_DISABLED && env.AWS_EC2_METADATA_DISABLED !== 'false');
  return [
    'environment variables (AWS_ACCESS_KEY_ID)',
    `profile "${profile}" in ${files.config} and ${files.credentials}`,
    'web identity (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN)',
    'container credentials (AWS_CONTAINER_CREDENTIALS_*)',
    `instance metadata${imdsDisabled ? ' (disabled by AWS_EC2_METADATA_DISABLED)' : ''}`,
  ].join(', ');
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 297)}...` : flat;
}
