// The config file: rules matched against the registry host (exact, or a glob where `*` stands for
// any characters within one DNS label; first match wins) that choose the AWS identity for that
// host, or map a host that is not an ECR name (a pull-through-cache mirror, a corporate alias) to an
// ECR registry. Pure: parsing, matching and resolution; reading the file is the caller's.
//
// {
//   "rules": [
//     { "match": "111111111111.dkr.ecr.*.amazonaws.com", "profile": "prod" },
//     { "match": "*.dkr.ecr.eu-west-1.amazonaws.com", "roleArn": "arn:aws:iam::222222222222:role/pull", "externalId": "x" },
//     { "match": "registry.example.com", "registry": "111111111111.dkr.ecr.us-east-1.amazonaws.com" },
//     { "match": "mirror.example.com:5443", "public": true }
//   ]
// }

import { HelperError } from './protocol.js';
import { hostOf, resolveRegistry, type Registry } from './registry.js';

export interface Rule {
  match: string;
  /** Use this shared-config profile (as AWS_PROFILE would). */
  profile?: string;
  /** Assume this role with the credentials the profile or the default chain yields. */
  roleArn?: string;
  externalId?: string;
  roleSessionName?: string;
  durationSeconds?: number;
  /** Region for the credential calls (STS, SSO) of this rule. */
  region?: string;
  /** The host is an alias of this ECR registry. */
  registry?: string;
  /** The host is an alias of ECR Public. */
  public?: boolean;
}

export interface RulesFile {
  path: string;
  rules: Rule[];
}

const KEYS: Record<keyof Rule, 'string' | 'number' | 'boolean'> = {
  match: 'string',
  profile: 'string',
  roleArn: 'string',
  externalId: 'string',
  roleSessionName: 'string',
  durationSeconds: 'number',
  region: 'string',
  registry: 'string',
  public: 'boolean',
};
const MATCH = /^[a-z0-9*.-]+(:[0-9]{1,5})?$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::[0-9]{12}:role\/[\w+=,.@/-]{1,512}$/;
const REGION = /^[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}$/;

/** Parses and validates the file; every problem is one line naming the file and the rule. */
export function parseRules(text: string, path: string): RulesFile {
  const fail = (problem: string): never => {
    throw new HelperError(`config file ${path}: ${problem}`);
  };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return fail(`not valid JSON (${(error as Error).message})`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return fail('must be a JSON object with a "rules" list');
  const unknownTop = Object.keys(body).filter((k) => k !== 'rules' && k !== '$schema');
  if (unknownTop.length > 0) fail(`unknown key "${unknownTop[0]}" (expected "rules")`);
  const list = (body as { rules?: unknown }).rules ?? [];
  if (!Array.isArray(list)) return fail('"rules" must be a list');
  return { path, rules: list.map((raw, i) => validRule(raw, `rule ${i + 1}`, fail)) };
}

function validRule(raw: unknown, where: string, fail: (problem: string) => never): Rule {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(`${where} must be an object`);
  const rule = raw as Record<string, unknown>;
  for (const [key, value] of Object.entries(rule)) {
    const type = KEYS[key as keyof Rule];
    if (!Object.hasOwn(KEYS, key)) fail(`${where}: unknown key "${key}" (expected one of ${Object.keys(KEYS).join(', ')})`);
    if (typeof value !== type) fail(`${where}: "${key}" must be a ${type}`);
  }
  const r = rule as unknown as Rule;
  if (typeof r.match !== 'string') return fail(`${where}: "match" is required`);
  const at = `${where} ("${r.match}")`;
  if (!MATCH.test(r.match.toLowerCase())) fail(`${at}: "match" must be a host name, optionally with :port, where * stands for part of one label`);
  if (r.roleArn !== undefined && !ROLE_ARN.test(r.roleArn)) fail(`${at}: "roleArn" is not an IAM role ARN`);
  if (r.region !== undefined && !REGION.test(r.region)) fail(`${at}: "region" is not a region name`);
  if (r.durationSeconds !== undefined && !(Number.isInteger(r.durationSeconds) && r.durationSeconds >= 900 && r.durationSeconds <= 43200)) {
    fail(`${at}: "durationSeconds" must be a whole number from 900 to 43200`);
  }
  if ((r.externalId !== undefined || r.roleSessionName !== undefined || r.durationSeconds !== undefined) && r.roleArn === undefined) {
    fail(`${at}: "externalId", "roleSessionName" and "durationSeconds" need "roleArn"`);
  }
  if (r.registry !== undefined && r.public !== undefined) fail(`${at}: "registry" and "public" exclude each other`);
  if (r.registry !== undefined && resolveRegistry(r.registry)?.service !== 'private') fail(`${at}: "registry" must be a private ECR registry host such as 123456789012.dkr.ecr.us-east-1.amazonaws.com`);
  if (r.public === false) fail(`${at}: "public" can only be true`);
  return r;
}

/** The first rule whose pattern matches the host (with its port, if the pattern has one). */
export function ruleFor(rules: readonly Rule[], serverURL: string): Rule | undefined {
  const hostAndPort = authorityOf(serverURL);
  if (hostAndPort === undefined) return undefined;
  const host = hostAndPort.replace(/:[0-9]+$/, '');
  return rules.find((rule) => globMatches(rule.match.toLowerCase(), rule.match.includes(':') ? hostAndPort : host));
}

/** The ECR registry a server URL names: by its own hostname, or through a rule's alias. */
export function targetOf(serverURL: string, rule: Rule | undefined): Registry | undefined {
  const own = resolveRegistry(serverURL);
  if (own) return own;
  if (rule?.registry) return resolveRegistry(rule.registry);
  if (rule?.public) return resolveRegistry('public.ecr.aws');
  return undefined;
}

function globMatches(pattern: string, host: string): boolean {
  const source = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\-]/g, '\\$&')).join('[a-z0-9-]*');
  return new RegExp(`^${source}$`).test(host);
}

/** Lower-cased host[:port] of a server URL, as Docker keys credHelpers. */
/** `host[:port]` of a server URL, lower-cased: the form Docker uses as a credHelpers key. */
export function authorityOf(serverURL: string): string | undefined {
  const host = hostOf(serverURL);
  if (host === undefined) return undefined;
  const port = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:[^@/?#\\]*@)?[^:/?#\\]+:([0-9]{1,5})(?:[/?#]|$)/i.exec(serverURL.trim())?.[1];
  return port ? `${host}:${port}` : host;
}
