// `config check [HOST...]`: validates the config file and shows, for each host, the rule that
// matches, the registry it resolves to, the identity source and the API endpoint, without calling
// AWS. A malformed file fails the same way `get` would (one line naming the file and the problem).

import { identifyFor } from '../identity.js';
import { apiHostOf } from '../registry.js';
import { ruleFor, targetOf } from '../rules.js';
import type { Context } from './context.js';

export function configCheck(hosts: readonly string[], ctx: Context): string {
  const fileLine =
    ctx.readText(ctx.settings.configFile) === undefined
      ? `config file ${ctx.settings.configFile}: none (optional; AWS_ECR_CONFIG_FILE names another)`
      : `config file ${ctx.settings.configFile}: valid, ${ctx.rules.length} rule${ctx.rules.length === 1 ? '' : 's'}`;
  return [fileLine, ...hosts.map((host) => describeHost(host, ctx))].join('\n');
}

function describeHost(host: string, ctx: Context): string {
  const rule = ruleFor(ctx.rules, host);
  const registry = targetOf(host, rule);
  const ruleText = rule ? `rule ${ctx.rules.indexOf(rule) + 1} ("${rule.match}")` : 'no rule';
  if (!registry) return `${host}\n  rule:     ${ruleText}\n  result:   not an ECR registry: get answers "credentials not found in native keychain"`;
  const override = registry.service === 'public' ? ctx.env.AWS_ENDPOINT_URL_ECR_PUBLIC : ctx.env.AWS_ENDPOINT_URL_ECR;
  const endpoint = override || ctx.env.AWS_ENDPOINT_URL || `https://${apiHostOf(registry)}`;
  const what = registry.service === 'public' ? 'ECR Public' : `account ${registry.account}`;
  return [
    host,
    `  rule:     ${ruleText}`,
    `  registry: ${registry.host} (${what}, ${registry.region}, ${registry.partition}${registry.fips ? ', FIPS' : ''}${registry.dualStack ? ', dual-stack' : ''})`,
    `  identity: ${identifyFor(rule, ctx.env, ctx.readText).source}`,
    `  endpoint: ${endpoint}`,
  ].join('\n');
}
