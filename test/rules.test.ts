// The config file: parsing, validation (one line naming the file and the problem), matching, aliases.

import { describe, expect, it } from 'vitest';
import { parseRules, ruleFor, targetOf, type Rule } from '../src/rules.js';

const FILE = '/home/me/.config/docker-credential-ecr-login/config.json';
const parse = (body: unknown) => parseRules(JSON.stringify(body), FILE);

describe('parsing the config file', () => {
  it('accepts every documented kind of rule', () => {
    const rules: Rule[] = [
      { match: '111111111111.dkr.ecr.*.amazonaws.com', profile: 'prod' },
      { match: '*.dkr.ecr.eu-west-1.amazonaws.com', roleArn: 'arn:aws:iam::222222222222:role/pull', externalId: 'x', roleSessionName: 'ci', durationSeconds: 3600, region: 'eu-west-1' },
      { match: 'registry.example.com', registry: '111111111111.dkr.ecr.us-east-1.amazonaws.com' },
      { match: 'localhost:5443', public: true },
    ];
    expect(parse({ rules }).rules).toEqual(rules);
  });

  it('accepts an empty file object', () => {
    expect(parse({}).rules).toEqual([]);
  });

  it.each([
    ['not JSON', '{"rules": [', /^config file \S+: not valid JSON \(/],
    ['a list at the top', '[]', /: must be a JSON object with a "rules" list$/],
    ['an unknown top-level key', '{"rulez": []}', /: unknown key "rulez" \(expected "rules"\)$/],
    ['rules that are not a list', '{"rules": {}}', /: "rules" must be a list$/],
    ['a rule without match', '{"rules": [{"profile": "x"}]}', /: rule 1: "match" is required$/],
    ['an unknown rule key', '{"rules": [{"match": "a.com", "role": "x"}]}', /: rule 1: unknown key "role" \(expected one of match, profile, roleArn/],
    ['a wrongly typed value', '{"rules": [{"match": "a.com", "durationSeconds": "3600", "roleArn": "arn:aws:iam::123456789012:role/x"}]}', /: rule 1: "durationSeconds" must be a number$/],
    ['a match with a scheme', '{"rules": [{"match": "https://a.com", "profile": "x"}]}', /: rule 1 \("https:\/\/a\.com"\): "match" must be a host name/],
    ['a malformed role ARN', '{"rules": [{"match": "a.com", "roleArn": "arn:aws:iam::123:role/x"}]}', /: rule 1 \("a\.com"\): "roleArn" is not an IAM role ARN$/],
    ['a malformed region', '{"rules": [{"match": "a.com", "profile": "p", "region": "mars"}]}', /: "region" is not a region name$/],
    ['a duration out of range', '{"rules": [{"match": "a.com", "roleArn": "arn:aws:iam::123456789012:role/x", "durationSeconds": 60}]}', /: "durationSeconds" must be a whole number from 900 to 43200$/],
    ['an external id without a role', '{"rules": [{"match": "a.com", "externalId": "x"}]}', /: "externalId", "roleSessionName" and "durationSeconds" need "roleArn"$/],
    ['an alias to a non-ECR host', '{"rules": [{"match": "a.com", "registry": "b.com"}]}', /: "registry" must be a private ECR registry host/],
    ['both registry and public', '{"rules": [{"match": "a.com", "registry": "111111111111.dkr.ecr.us-east-1.amazonaws.com", "public": true}]}', /: "registry" and "public" exclude each other$/],
    ['the second rule bad', '{"rules": [{"match": "a.com", "profile": "x"}, {"match": "b.com", "public": false}]}', /: rule 2 \("b\.com"\): "public" can only be true$/],
  ])('rejects %s with one line naming the file', (_label, text, message) => {
    expect(() => parseRules(text, FILE)).toThrow(message);
    expect(() => parseRules(text, FILE)).toThrow(new RegExp(`^config file ${FILE.replace(/\./g, '\\.')}: `));
  });
});

describe('matching a host', () => {
  const rules = parse({
    rules: [
      { match: '111111111111.dkr.ecr.*.amazonaws.com', profile: 'prod' },
      { match: '*.dkr.ecr.eu-west-1.amazonaws.com', profile: 'eu' },
      { match: 'mirror.example.com:5443', public: true },
      { match: 'Registry.Example.com', registry: '111111111111.dkr.ecr.us-east-1.amazonaws.com' },
    ],
  }).rules;

  it.each([
    ['111111111111.dkr.ecr.us-east-1.amazonaws.com', 'prod'],
    ['https://111111111111.dkr.ecr.eu-west-1.amazonaws.com/v2/', 'prod'], // first match wins
    ['222222222222.dkr.ecr.eu-west-1.amazonaws.com', 'eu'],
    ['mirror.example.com:5443', 'mirror.example.com:5443'],
    ['REGISTRY.example.com', 'Registry.Example.com'],
  ])('%s -> the rule "%s"', (host, expected) => {
    const rule = ruleFor(rules, host)!;
    expect(rule.profile ?? rule.match).toBe(expected);
  });

  it.each([
    ['222222222222.dkr.ecr.eu-west-2.amazonaws.com'],
    ['mirror.example.com'], // the rule names a port
    ['mirror.example.com:5444'],
    ['111111111111.dkr.ecr.us-east-1.amazonaws.com.evil.com'],
    ['x.111111111111.dkr.ecr.us-east-1.amazonaws.com'],
    ['registry.example.com.evil.com'],
  ])('%s matches no rule', (host) => {
    expect(ruleFor(rules, host)).toBeUndefined();
  });

  it('lets * stand for part of one label, never for a dot', () => {
    const [rule] = parse({ rules: [{ match: '*.example.com', profile: 'x' }] }).rules;
    expect(ruleFor([rule!], 'a.example.com')).toBe(rule);
    expect(ruleFor([rule!], 'a.b.example.com')).toBeUndefined();
  });
});

describe('aliases', () => {
  const rules = parse({ rules: [{ match: 'registry.example.com', registry: '111111111111.dkr.ecr.us-east-1.amazonaws.com' }, { match: 'localhost:5443', public: true }] }).rules;

  it('map a custom host to a private registry', () => {
    expect(targetOf('registry.example.com', ruleFor(rules, 'registry.example.com'))).toMatchObject({ service: 'private', account: '111111111111', region: 'us-east-1' });
  });
  it('map a custom host with a port to ECR Public', () => {
    expect(targetOf('https://localhost:5443/v2/', ruleFor(rules, 'https://localhost:5443/v2/'))).toMatchObject({ service: 'public', region: 'us-east-1' });
  });
  it('never turn an ECR hostname into another registry', () => {
    const sneaky = parse({ rules: [{ match: '*.dkr.ecr.us-east-1.amazonaws.com', registry: '999999999999.dkr.ecr.eu-west-1.amazonaws.com' }] }).rules;
    expect(targetOf('111111111111.dkr.ecr.us-east-1.amazonaws.com', sneaky[0])).toMatchObject({ account: '111111111111', region: 'us-east-1' });
  });
  it('leave other hosts unresolved', () => {
    expect(targetOf('docker.io', ruleFor(rules, 'docker.io'))).toBeUndefined();
  });
});
