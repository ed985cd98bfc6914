// Identity: which credential source the AWS SDK's default chain would use, as a fingerprint.
// Computed from the environment and the shared config files only: no network call, no credential
// resolution, and no secret in the result. The token cache is keyed by it, so a cache hit never
// touches STS, SSO or instance metadata, temporary keys of one role rotating under a profile keep
// hitting, and switching profile, role or key misses.
//
// It follows the order of `fromNodeProviderChain`: environment keys (skipped when AWS_PROFILE is
// set), the profile (SSO, static, role, process, web identity settings), the web identity
// environment, container credentials, instance metadata. Sources the chain would try before the
// one that answers are part of the fingerprint too, because a change to them changes who answers.

import { sha256Hex } from './sha256.js';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseIni, type IniSections } from './ini.js';
import type { Rule } from './rules.js';

export interface Identity {
  /** 32 hex characters; safe to write to disk and logs. */
  fingerprint: string;
  /** Human-readable description of the source that supplies credentials, without secrets. */
  source: string;
  /** Secret values seen in the shared files, so that the log can redact them. */
  secrets: string[];
}

type Env = Record<string, string | undefined>;
export type ReadText = (path: string) => string | undefined;

// Profile keys whose values are secrets: never part of a fingerprint, even hashed.
const SECRET_KEYS = new Set(['aws_secret_access_key', 'aws_session_token']);
// Any of these makes a profile supply credentials itself (the chain stops at it).
const CREDENTIAL_KEYS = [
  'aws_access_key_id',
  'role_arn',
  'credential_process',
  'credential_source',
  'sso_session',
  'sso_start_url',
  'sso_account_id',
  'web_identity_token_file',
  'login_session',
];

interface Part {
  kind: string;
  describe: string;
  material: unknown;
  final: boolean;
}

export function sharedFilePaths(env: Env): { config: string; credentials: string } {
  const home = env.HOME || env.USERPROFILE || homedir();
  return {
    config: env.AWS_CONFIG_FILE || join(home, '.aws', 'config'),
    credentials: env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'),
  };
}

export function identify(env: Env, readText: ReadText): Identity {
  const secrets: string[] = [];
  const parts = credentialChain(env, readText, secrets);
  const last = parts[parts.length - 1]!;
  const fingerprint = sha256Hex(JSON.stringify(parts.map(({ kind, material }) => ({ kind, material })))).slice(0, 32);
  return { fingerprint, source: last.describe, secrets };
}

/**
 * The identity a config-file rule gives a host: its profile instead of AWS_PROFILE, and, with a
 * roleArn, the role on top. A role's token is the role's, whoever assumes it: its fingerprint is the
 * role and the profile name, not the keys underneath (as for source_profile).
 */
export function identifyFor(rule: Rule | undefined, env: Env, readText: ReadText): Identity {
  const base = identify(rule?.profile ? { ...env, AWS_PROFILE: rule.profile } : env, readText);
  if (!rule?.roleArn) return base;
  const { roleArn, externalId, roleSessionName, durationSeconds, profile } = rule;
  const material = { roleArn, externalId: externalId ?? null, roleSessionName: roleSessionName ?? null, durationSeconds: durationSeconds ?? null, profile: profile ?? null };
  return { fingerprint: sha256Hex(JSON.stringify({ kind: 'config-role', material })).slice(0, 32), source: `role ${roleArn} (config file) assumed with ${base.source}`, secrets: base.secrets };
}

function credentialChain(env: Env, readText: ReadText, secrets: string[]): Part[] {
  const parts: Part[] = [];
  const explicitProfile = env.AWS_PROFILE;

  if (!explicitProfile && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    // Static keys: the access key id identifies them (it is not a secret; only its hash is kept).
    return [{ kind: 'env', describe: 'environment variables AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY', material: sha(env.AWS_ACCESS_KEY_ID), final: true }];
  }

  const paths = sharedFilePaths(env);
  const profileName = explicitProfile || 'default';
  const files = { config: parseIni(readText(paths.config) ?? ''), credentials: parseIni(readText(paths.credentials) ?? '') };
  const profile = profileSettings(profileName, files, new Set(), secrets);
  if (profile || explicitProfile) {
    const final = profile !== undefined && suppliesCredentials(profile.own);
    parts.push({ kind: 'profile', describe: `profile "${profileName}"`, material: { profileName, paths, settings: profile?.resolved ?? null }, final });
    if (final) return parts;
  }

  if (env.AWS_WEB_IDENTITY_TOKEN_FILE && env.AWS_ROLE_ARN) {
    parts.push({
      kind: 'web-identity',
      describe: `web identity token ${env.AWS_WEB_IDENTITY_TOKEN_FILE} for role ${env.AWS_ROLE_ARN}`,
      material: { roleArn: env.AWS_ROLE_ARN, tokenFile: env.AWS_WEB_IDENTITY_TOKEN_FILE, sessionName: env.AWS_ROLE_SESSION_NAME ?? null },
      final: true,
    });
    return parts;
  }

  const containerUri = env.AWS_CONTAINER_CREDENTIALS_FULL_URI || env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI;
  if (containerUri) {
    const material = { full: env.AWS_CONTAINER_CREDENTIALS_FULL_URI ?? null, relative: env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI ?? null };
    parts.push({ kind: 'container', describe: `container credentials ${containerUri}`, material, final: true });
    return parts;
  }

  if (env.AWS_EC2_METADATA_DISABLED && env.AWS_EC2_METADATA_DISABLED !== 'false') {
    parts.push({ kind: 'none', describe: 'no credential source (instance metadata disabled)', material: null, final: true });
    return parts;
  }
  const endpoint = env.AWS_EC2_METADATA_SERVICE_ENDPOINT ?? null;
  parts.push({ kind: 'instance', describe: `instance metadata${endpoint ? ` ${endpoint}` : ''}`, material: { endpoint }, final: true });
  return parts;
}

interface ProfileSettings {
  own: Map<string, string>;
  /** The profile's settings without secrets, with its source profile and SSO session folded in. */
  resolved: Record<string, unknown>;
}

function profileSettings(name: string, files: { config: IniSections; credentials: IniSections }, seen: Set<string>, secrets: string[]): ProfileSettings | undefined {
  if (seen.has(name)) return undefined; // a source_profile loop; the SDK reports it on a miss
  seen.add(name);
  const fromConfig = files.config.get(`profile ${name}`) ?? (name === 'default' ? files.config.get('default') : undefined);
  const fromCredentials = files.credentials.get(name);
  if (!fromConfig && !fromCredentials) return undefined;
  // Like the SDK, values in the credentials file win over the config file.
  const own = new Map([...(fromConfig ?? []), ...(fromCredentials ?? [])]);
  const resolved: Record<string, unknown> = {};
  for (const [key, value] of [...own].sort(([a], [b]) => a.localeCompare(b))) {
    if (SECRET_KEYS.has(key)) {
      secrets.push(value);
      continue;
    }
    resolved[key] = key === 'aws_access_key_id' ? sha(value) : value;
  }
  const sourceProfile = own.get('source_profile');
  if (sourceProfile && sourceProfile !== name) {
    // The token belongs to the assumed role, not to the keys that assume it: the source profile's
    // access key id is left out, so its temporary keys can rotate without a miss.
    const { aws_access_key_id: _keyId, ...sourceSettings } = profileSettings(sourceProfile, files, seen, secrets)?.resolved ?? {};
    resolved.source_profile = { name: sourceProfile, settings: sourceSettings };
  }
  if (own.has('role_arn') && sourceProfile === name) delete resolved.aws_access_key_id; // a role assumed with this profile's own keys
  const ssoSession = own.get('sso_session');
  if (ssoSession) resolved.sso_session = { name: ssoSession, settings: Object.fromEntries(files.config.get(`sso-session ${ssoSession}`) ?? []) };
  return { own, resolved };
}

function suppliesCredentials(settings: Map<string, string>): boolean {
  return CREDENTIAL_KEYS.some((key) => settings.has(key));
}

function sha(text: string): string {
  return sha256Hex(text).slice(0, 16);
}
