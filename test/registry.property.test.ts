// Property-based specification of registry resolution (REFERENCE.md section 2), with fast-check.
// The region taken from a hostname decides which AWS host receives a signed request, so:
//   - every hostname inside the grammar, however it is written (scheme, case, user-info, port, path,
//     whitespace), resolves to the right service, account, region, partition and variant;
//   - nothing outside the grammar is ever accepted: suffix and prefix tricks, user-info, backslashes,
//     look-alike characters, percent-encoding, control characters, overlong names, arbitrary strings
//     and random mutations of valid names are rejected, or, where a mutation happens to produce
//     another valid name, resolve exactly as an independent oracle says;
//   - whatever is accepted has a region of the AWS shape, names the host a WHATWG URL parser sees,
//     and yields an API host of one of the known AWS shapes, which the real SDK agrees with.
// The oracle below is a second, independent spelling of the grammar (one anchored regular expression
// per family, built from this file's own partition table), not a copy of src/registry.ts.
//
// Fixed seed, printed with numRuns; set FC_SEED to explore other seeds.

import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { fetchToken } from '../src/ecr/client.js';
import { apiHostOf, hostOf, resolveRegistry, type Partition, type Registry } from '../src/registry.js';
import { SDK_ENV, useIsolatedSdkEnv } from './helpers/sdk-in-process.js';

const SEED = Number(process.env.FC_SEED ?? 20_251_122);
const RUNS = 4_000;
const ARBITRARY_RUNS = 10_000;
const SDK_RUNS = 120;
const tally: string[] = [];
afterAll(() => console.log(`registry properties: seed ${SEED}; ${tally.join(', ')}`));
function runs(name: string, numRuns = RUNS): { seed: number; numRuns: number } {
  tally.push(`${name} ${numRuns} runs`);
  return { seed: SEED, numRuns };
}

// ---------------------------------------------------------------------------------------------
// The grammar, spelled independently: per partition, its region shape and its DNS suffixes.

interface PartitionSpec {
  region: string; // regular expression source, without anchors
  suffix: string; // <acct>.dkr.ecr[-fips].<region>.<suffix>
  dualStackSuffix?: string; // <acct>.dkr-ecr[-fips].<region>.<dualStackSuffix>
  apiDualStackSuffix?: string; // ecr[-fips].<region>.<apiDualStackSuffix>
  known: string[]; // real regions, to weight generation towards them
}

const WORD = '[a-z]+';
const NUMBER = '[0-9]{1,2}';
const SPEC: Record<Partition, PartitionSpec> = {
  aws: {
    region: `(?:us|eu|ap|sa|ca|me|af|il|mx)-${WORD}-${NUMBER}`,
    suffix: 'amazonaws.com',
    dualStackSuffix: 'on.aws',
    apiDualStackSuffix: 'api.aws',
    known: ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-2', 'ap-southeast-4', 'ap-northeast-3', 'sa-east-1', 'ca-west-1', 'me-central-1', 'af-south-1', 'il-central-1', 'mx-central-1', 'ap-southeast-10'],
  },
  'aws-us-gov': { region: `us-gov-${WORD}-${NUMBER}`, suffix: 'amazonaws.com', dualStackSuffix: 'on.aws', apiDualStackSuffix: 'api.aws', known: ['us-gov-west-1', 'us-gov-east-1'] },
  'aws-cn': { region: `cn-${WORD}-${NUMBER}`, suffix: 'amazonaws.com.cn', dualStackSuffix: 'on.amazonwebservices.com.cn', apiDualStackSuffix: 'api.amazonwebservices.com.cn', known: ['cn-north-1', 'cn-northwest-1'] },
  'aws-iso': { region: `us-iso-${WORD}-${NUMBER}`, suffix: 'c2s.ic.gov', known: ['us-iso-east-1', 'us-iso-west-1'] },
  'aws-iso-b': { region: `us-isob-${WORD}-${NUMBER}`, suffix: 'sc2s.sgov.gov', known: ['us-isob-east-1'] },
  'aws-iso-e': { region: `eu-isoe-${WORD}-${NUMBER}`, suffix: 'cloud.adc-e.uk', known: ['eu-isoe-west-1'] },
  'aws-iso-f': { region: `us-isof-${WORD}-${NUMBER}`, suffix: 'csp.hci.ic.gov', known: ['us-isof-south-1', 'us-isof-east-1'] },
  'aws-eusc': { region: `eusc-de-${WORD}-${NUMBER}`, suffix: 'amazonaws.eu', known: ['eusc-de-east-1'] },
};
const PARTITIONS = Object.keys(SPEC) as Partition[];
/** The resolver bounds the region label (src/registry.ts PRIVATE_HOST); real regions are far shorter. */
const MAX_REGION_LENGTH = 40;

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');

interface Family {
  partition: Partition;
  dualStack: boolean;
  pattern: RegExp; // groups: account, "-fips" or undefined, region
}
const FAMILIES: Family[] = PARTITIONS.flatMap((partition) => {
  const s = SPEC[partition];
  const families: Family[] = [{ partition, dualStack: false, pattern: new RegExp(`^([0-9]{12})\\.dkr\\.ecr(-fips)?\\.(${s.region})\\.${esc(s.suffix)}$`) }];
  if (s.dualStackSuffix) families.push({ partition, dualStack: true, pattern: new RegExp(`^([0-9]{12})\\.dkr-ecr(-fips)?\\.(${s.region})\\.${esc(s.dualStackSuffix)}$`) });
  return families;
});

/**
 * The oracle: what the grammar says a server URL names. Optional http(s) scheme (any case), the
 * authority up to the first / ? # or backslash, user-info up to the last @, an optional port
 * (at most 5 digits, at most 65535), then an ASCII hostname that must match one family exactly.
 */
function oracle(input: string): Registry | undefined {
  const trimmed = input.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) && !/^https?:\/\//i.test(trimmed)) return undefined; // another scheme
  const authority = /^(?:https?:\/\/)?([^/?#\\]*)/i.exec(trimmed)![1]!;
  const hostPort = /^(?:[\s\S]*@)?([A-Za-z0-9.-]{1,253})(?::([0-9]{1,5}))?$/.exec(authority);
  if (!hostPort || (hostPort[2] !== undefined && Number(hostPort[2]) > 65535)) return undefined;
  const host = hostPort[1]!.toLowerCase();
  if (host === 'public.ecr.aws') return { service: 'public', host, region: 'us-east-1', partition: 'aws', fips: false, dualStack: false };
  if (host === 'ecr-public.aws.com') return { service: 'public', host, region: 'us-east-1', partition: 'aws', fips: false, dualStack: true };
  for (const family of FAMILIES) {
    const m = family.pattern.exec(host);
    if (m && m[3]!.length <= MAX_REGION_LENGTH) {
      return { service: 'private', host, account: m[1]!, region: m[3]!, partition: family.partition, fips: m[2] !== undefined, dualStack: family.dualStack };
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Invariants of anything accepted.

/** An AWS region: a 2-4 letter geography, one or two words, a number of at most two digits. */
const REGION_SHAPE = /^[a-z]{2,4}(?:-[a-z]+){1,2}-[0-9]{1,2}$/;
const IPV4_API_SUFFIXES = [...new Set(PARTITIONS.map((p) => SPEC[p].suffix))];
const DUAL_STACK_API_SUFFIXES = [...new Set(PARTITIONS.flatMap((p) => SPEC[p].apiDualStackSuffix ?? []))];
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

function expectAwsShaped(registry: Registry): void {
  expect(registry.region).toMatch(REGION_SHAPE);
  expect(registry.region).toMatch(new RegExp(`^(?:${SPEC[registry.partition].region})$`));
  const api = apiHostOf(registry);
  expect(api.length).toBeLessThanOrEqual(253);
  for (const label of api.split('.')) expect(label).toMatch(DNS_LABEL);
  if (registry.service === 'public') {
    expect(api).toBe(registry.dualStack ? 'ecr-public.us-east-1.api.aws' : 'api.ecr-public.us-east-1.amazonaws.com');
    return;
  }
  const service = registry.fips ? 'ecr-fips' : 'ecr';
  const spec = SPEC[registry.partition];
  const shapes = [`api.${service}.${registry.region}.${spec.suffix}`];
  if (registry.dualStack && spec.apiDualStackSuffix) shapes.unshift(`${service}.${registry.region}.${spec.apiDualStackSuffix}`);
  expect(api).toBe(shapes[0]);
  // And, whatever the partition table says, only these shapes on these AWS suffixes.
  const known = [
    ...IPV4_API_SUFFIXES.map((s) => `api.${service}.${registry.region}.${s}`),
    ...DUAL_STACK_API_SUFFIXES.map((s) => `${service}.${registry.region}.${s}`),
  ];
  expect(known).toContain(api);
}

/** The host resolved is the one a WHATWG URL parser (Node's `new URL`, browsers, Docker's Go is stricter) sees. */
function expectSameHostAsUrlParser(input: string, registry: Registry): void {
  const trimmed = input.trim();
  const withScheme = /^https?:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let hostname: string;
  try {
    hostname = new URL(withScheme).hostname;
  } catch {
    return; // a URL parser refuses it altogether: no other host to confuse it with
  }
  expect(hostname).toBe(registry.host);
}

function checkAccepted(input: string, result: Registry | undefined): void {
  if (result === undefined) return;
  expectAwsShaped(result);
  expectSameHostAsUrlParser(input, result);
}

// ---------------------------------------------------------------------------------------------
// Generators inside the grammar.

const account = fc.stringMatching(/^[0-9]{12}$/);
// Built once per partition: building a stringMatching arbitrary costs milliseconds.
const REGION_ARBITRARIES = new Map(
  PARTITIONS.map((p) => [p, fc.oneof(fc.constantFrom(...SPEC[p].known), fc.stringMatching(new RegExp(`^${SPEC[p].region.replace(WORD, '[a-z]{1,12}')}$`)))]),
);
const regionOf = (p: Partition) => REGION_ARBITRARIES.get(p)!;

interface Named {
  host: string; // as written, lower case
  expected: Registry;
}

const privateName: fc.Arbitrary<Named> = fc
  .record({
    partition: fc.constantFrom(...PARTITIONS),
    account,
    fips: fc.boolean(),
    dualStack: fc.boolean(),
  })
  .chain(({ partition, account: acct, fips, dualStack }) => {
    const ds = dualStack && SPEC[partition].dualStackSuffix !== undefined;
    return regionOf(partition).map((region): Named => {
      const label = `${ds ? 'dkr-ecr' : 'dkr.ecr'}${fips ? '-fips' : ''}`;
      const host = `${acct}.${label}.${region}.${ds ? SPEC[partition].dualStackSuffix! : SPEC[partition].suffix}`;
      return { host, expected: { service: 'private', host, account: acct, region, partition, fips, dualStack: ds } };
    });
  });

const publicName: fc.Arbitrary<Named> = fc.constantFrom<Named>(
  { host: 'public.ecr.aws', expected: { service: 'public', host: 'public.ecr.aws', region: 'us-east-1', partition: 'aws', fips: false, dualStack: false } },
  { host: 'ecr-public.aws.com', expected: { service: 'public', host: 'ecr-public.aws.com', region: 'us-east-1', partition: 'aws', fips: false, dualStack: true } },
);

const validName = fc.oneof({ arbitrary: privateName, weight: 9 }, { arbitrary: publicName, weight: 1 });

const scheme = fc.constantFrom('', '', 'https://', 'http://', 'HTTPS://', 'Https://', 'hTTp://');
const userInfo = fc.constantFrom('', '', '', 'AWS@', 'user:pw@', 'a@b@', 'evil.com@', `${'x'.repeat(10)}:%40@`);
const port = fc.oneof(fc.constant(''), fc.integer({ min: 0, max: 65535 }).map((p) => `:${p}`), fc.constantFrom(':443', ':5000', ':00443'));
const tail = fc.constantFrom('', '', '/', '/v2/', '/v2/team/app/manifests/latest', '?scope=repository:app:pull', '#frag', '/v2/?x=1#y', '\\evil.com', '/@evil.com', '?@evil.com', '#@evil.com');
const space = fc.constantFrom('', '', ' ', '\t', '\n', '\r\n', ' \t \r\n', '\u00a0');

/** A valid name written as a user, Docker or skopeo may write it. */
const writtenValid = fc
  .record({ name: validName, scheme, userInfo, port, tail, before: space, after: space, upper: fc.array(fc.boolean(), { minLength: 70, maxLength: 70 }) })
  .map(({ name, scheme: s, userInfo: u, port: p, tail: t, before, after, upper }) => {
    const cased = [...name.host].map((c, i) => (upper[i % upper.length] ? c.toUpperCase() : c)).join('');
    return { input: `${before}${s}${u}${cased}${p}${t}${after}`, expected: name.expected };
  });

// ---------------------------------------------------------------------------------------------
// Hostile generators.

const evilDomain = fc.oneof(fc.domain(), fc.constantFrom('evil.com', 'amazonaws.com.evil.com', 'on.aws.evil.io', 'ecr.aws.attacker.net'));

/** Index of a position in a host, and the host split there. */
const splitHost = (host: string, at: number) => [host.slice(0, at % (host.length + 1)), host.slice(at % (host.length + 1))] as const;

const LOOKALIKES: Record<string, string[]> = {
  a: ['\u0430', '\uff41', '\u00e0'],
  c: ['\u0441', '\uff43'],
  e: ['\u0435', '\uff45', '\u00e9'],
  i: ['\u0131', '\u0456', '\u0130'],
  k: ['\u212a', '\u03ba'],
  o: ['\u043e', '\u03bf', '\uff4f'],
  p: ['\u0440', '\uff50'],
  r: ['\u0433', '\uff52'],
  s: ['\u017f', '\u0455', '\uff53'],
  u: ['\u03c5', '\uff55'],
  w: ['\u0461', '\uff57'],
  '.': ['\u3002', '\uff0e', '\uff61', '\u2024'],
  '-': ['\u2010', '\u2011', '\u2212', '\uff0d', '\u00ad'],
  '0': ['\uff10', '\u0660', '\u06f0'],
  '1': ['\uff11', '\u0661', '\u00b9'],
  '2': ['\uff12', '\u00b2'],
};
const INVISIBLE = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad', '\u180e'];
const CONTROL = [...Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)), '\x7f', '\x85'];
const NON_SPACE_CONTROL = CONTROL.filter((c) => c.trim() !== ''); // String.trim removes \t\n\v\f\r (and \x85? no)

useIsolatedSdkEnv();

describe('hostnames inside the grammar', () => {
  it('resolve to the right service, account, region, partition and variant however they are written', () => {
    fc.assert(
      fc.property(writtenValid, ({ input, expected }) => {
        const result = resolveRegistry(input);
        expect(result).toStrictEqual(expected);
        expect(oracle(input)).toStrictEqual(expected);
        checkAccepted(input, result);
      }),
      runs('written valid names'),
    );
  });

  it('agree with the real SDK on the API host and signing region', async () => {
    const seen: { hostname: string; authorization: string }[] = [];
    const handler = {
      handle: async (request: { hostname: string; headers: Record<string, string> }) => {
        seen.push({ hostname: request.hostname, authorization: request.headers.authorization! });
        const token = Buffer.from('AWS:pw').toString('base64');
        const body = request.headers['x-amz-target']!.startsWith('Spencer')
          ? `{"authorizationData":{"authorizationToken":"${token}","expiresAt":1895397070}}`
          : `{"authorizationData":[{"authorizationToken":"${token}","expiresAt":1895397070}]}`;
        return { response: { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: Readable.from([Buffer.from(body)]) } };
      },
    };
    await fc.assert(
      fc.asyncProperty(validName, async ({ host }) => {
        const registry = resolveRegistry(host)!;
        seen.length = 0;
        await fetchToken(registry, { deadline: performance.now() + 5_000, timeoutMs: 5_000, source: 'test', env: SDK_ENV, requestHandler: handler });
        expect(seen).toHaveLength(1);
        expect(seen[0]!.hostname).toBe(apiHostOf(registry));
        expect(seen[0]!.authorization).toContain(`/${registry.region}/${registry.service === 'public' ? 'ecr-public' : 'ecr'}/aws4_request`);
      }),
      runs('SDK agreement', SDK_RUNS),
    );
  });
});

describe('hostile input is rejected', () => {
  const rejected = (input: string) => {
    expect(resolveRegistry(input)).toBeUndefined();
    expect(oracle(input)).toBeUndefined();
  };

  it('a valid name with a domain appended (suffix tricks)', () => {
    fc.assert(
      fc.property(validName, scheme, evilDomain, fc.constantFrom('.', '-', '', '..', '.:443.'), tail, (name, s, evil, join, t) => rejected(`${s}${name.host}${join}${evil}${t}`)),
      runs('suffix tricks'),
    );
  });

  it('a valid name after another host (path, query, fragment, backslash)', () => {
    fc.assert(
      fc.property(validName, scheme, evilDomain, fc.constantFrom('/', '\\', '?', '#', '/@', '\\@', '?@', '#@', '\\\\', ':443/', ':443\\@'), (name, s, evil, sep) => rejected(`${s}${evil}${sep}${name.host}`)),
      runs('prefix tricks'),
    );
  });

  it('a valid name that is only user-info of another host', () => {
    fc.assert(
      fc.property(validName, scheme, evilDomain, fc.constantFrom('@', ':443@', ':pw@', '@@', '%40@', ':@'), port, tail, (name, s, evil, sep, p, t) => rejected(`${s}${name.host}${sep}${evil}${p}${t}`)),
      runs('user-info tricks'),
    );
  });

  it('a valid name with a label prepended or inserted', () => {
    fc.assert(
      fc.property(privateName, fc.stringMatching(/^[a-z0-9-]{1,20}$/), fc.integer({ min: 0, max: 3 }), (name, label, where) => {
        const labels = name.host.split('.');
        // Insert a label anywhere before the DNS suffix (after the suffix is the suffix-trick case).
        labels.splice(where, 0, label);
        rejected(labels.join('.'));
      }),
      runs('inserted labels'),
    );
  });

  it('look-alike and invisible characters', () => {
    fc.assert(
      fc.property(validName, fc.nat(), fc.nat(), scheme, port, (name, at, pick, s, p) => {
        const host = name.host;
        const candidates = [...host].map((c, i) => [c, i] as const).filter(([c]) => LOOKALIKES[c]);
        const [c, i] = candidates[at % candidates.length]!;
        const options = LOOKALIKES[c]!;
        rejected(`${s}${host.slice(0, i)}${options[pick % options.length]}${host.slice(i + 1)}${p}`);
        // An invisible character anywhere inside the host (at its ends String.trim may remove it).
        const [left, right] = splitHost(host, 1 + (at % (host.length - 1)));
        rejected(`${s}${left}${INVISIBLE[pick % INVISIBLE.length]}${right}${p}`);
      }),
      runs('look-alikes'),
    );
  });

  it('percent-encoding anywhere in the host', () => {
    fc.assert(
      fc.property(validName, fc.nat(), fc.boolean(), scheme, tail, (name, at, lower, s, t) => {
        const i = at % name.host.length;
        const hex = name.host.charCodeAt(i).toString(16).padStart(2, '0');
        rejected(`${s}${name.host.slice(0, i)}%${lower ? hex : hex.toUpperCase()}${name.host.slice(i + 1)}${t}`);
      }),
      runs('percent-encoding'),
    );
  });

  it('control characters in the host', () => {
    fc.assert(
      fc.property(validName, fc.nat(), fc.constantFrom(...CONTROL), scheme, port, (name, at, control, s, p) => {
        // Inside the host any control character; at the very ends only those String.trim keeps.
        const [left, right] = splitHost(name.host, 1 + (at % (name.host.length - 1)));
        rejected(`${s}${left}${control}${right}${p}`);
      }),
      runs('interior control characters'),
    );
    fc.assert(
      fc.property(validName, fc.constantFrom(...NON_SPACE_CONTROL), fc.boolean(), (name, control, atEnd) => rejected(atEnd ? `${name.host}${control}` : `${control}${name.host}`)),
      runs('edge control characters', 500),
    );
  });

  it('overlong accounts, regions, labels, hostnames and ports', () => {
    fc.assert(
      fc.property(
        privateName,
        fc.oneof(
          fc.integer({ min: 13, max: 40 }).map((n) => ({ kind: 'account' as const, n })),
          fc.integer({ min: 1, max: 11 }).map((n) => ({ kind: 'account' as const, n })),
          fc.integer({ min: MAX_REGION_LENGTH + 1, max: 300 }).map((n) => ({ kind: 'region' as const, n })),
          fc.integer({ min: 64, max: 300 }).map((n) => ({ kind: 'label' as const, n })),
          fc.integer({ min: 3, max: 9 }).map((n) => ({ kind: 'number' as const, n })),
          fc.integer({ min: 65536, max: 9_999_999 }).map((n) => ({ kind: 'port' as const, n })),
        ),
        (name, { kind, n }) => {
          const [, acct, label, region, suffix] = /^([0-9]{12})\.(dkr[.-]ecr(?:-fips)?)\.([^.]+)\.(.+)$/.exec(name.host)!;
          const join = (a: string, r: string) => `${a}.${label}.${r}.${suffix}`;
          if (kind === 'account') rejected(join(acct!.padEnd(n, '7').slice(0, n), region!));
          else if (kind === 'region') rejected(join(acct!, region!.replace(/-[0-9]+$/, `${'x'.repeat(n)}-1`)));
          else if (kind === 'number') rejected(join(acct!, region!.replace(/[0-9]+$/, '1'.repeat(n))));
          else if (kind === 'label') rejected(`${'a'.repeat(n)}.${name.host}`);
          else rejected(`${name.host}:${n}`);
        },
      ),
      runs('overlong parts'),
    );
  });

  it('a hostname over 253 characters, even one ending like an ECR name', () => {
    fc.assert(
      fc.property(validName, fc.integer({ min: 254, max: 2_000 }), fc.integer({ min: 1, max: 63 }), (name, length, labelLength) => {
        const labels: string[] = [];
        let total = name.host.length;
        while (total < length) {
          labels.push('b'.repeat(labelLength));
          total += labelLength + 1;
        }
        const long = `${labels.join('.')}.${name.host}`;
        expect(hostOf(long)).toBeUndefined();
        rejected(long);
      }),
      runs('overlong hostnames', 500),
    );
  });
});

describe('arbitrary strings and mutations of valid names', () => {
  // Characters that matter to URL and hostname parsing, and a few that only look like them.
  const INTERESTING = [...'.-_:@/\\?#%[]0123456789abcdefghijklmnopqrstuvwxyzDKRECR ', '\t', '\n', '\0', '\u212a', '\u017f', '\u0430', '\u3002', '\uff0e', '\u200b', '\ufeff', '\u00a0'];
  const interestingChar = fc.constantFrom(...INTERESTING);

  it('accept nothing the oracle rejects, and resolve what they accept exactly as the oracle does', () => {
    const anyString = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 120 }),
      fc.string({ unit: interestingChar, maxLength: 80 }),
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
    );
    fc.assert(
      fc.property(anyString, (input) => {
        const result = resolveRegistry(input);
        expect(result).toStrictEqual(oracle(input));
        checkAccepted(input, result);
      }),
      runs('arbitrary strings', ARBITRARY_RUNS),
    );
  });

  it('mutations of written valid names: accepted only when the oracle says the mutant is valid too', () => {
    const edit = fc.record({ kind: fc.constantFrom('insert', 'delete', 'replace', 'swap'), at: fc.nat(), char: interestingChar });
    let accepted = 0;
    fc.assert(
      fc.property(writtenValid, fc.array(edit, { minLength: 1, maxLength: 3 }), ({ input }, edits) => {
        let s = input;
        for (const { kind, at, char } of edits) {
          const i = at % (s.length + 1);
          if (kind === 'insert') s = s.slice(0, i) + char + s.slice(i);
          else if (kind === 'delete') s = s.slice(0, i) + s.slice(i + 1);
          else if (kind === 'replace') s = s.slice(0, i) + char + s.slice(i + 1);
          else s = s.slice(0, i) + s.slice(i + 1, i + 2) + s.slice(i, i + 1) + s.slice(i + 2);
        }
        const result = resolveRegistry(s);
        expect(result).toStrictEqual(oracle(s));
        checkAccepted(s, result);
        if (result) accepted += 1;
      }),
      runs('mutations', ARBITRARY_RUNS),
    );
    // Both sides of the property were exercised: many mutants stay valid, many do not.
    expect(accepted).toBeGreaterThan(ARBITRARY_RUNS / 20);
    expect(accepted).toBeLessThan(ARBITRARY_RUNS * 0.95);
  });
});
