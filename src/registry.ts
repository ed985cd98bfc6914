// Registry resolution: an ECR registry server URL -> service, account, region, partition and
// endpoint variant. Pure: no I/O. The region taken from a hostname decides which AWS host receives
// a signed request, so every pattern is anchored on the whole hostname and every region is checked
// against the partition that the hostname's DNS suffix belongs to.

export type Partition =
  | 'aws'
  | 'aws-cn'
  | 'aws-us-gov'
  | 'aws-iso'
  | 'aws-iso-b'
  | 'aws-iso-e'
  | 'aws-iso-f'
  | 'aws-eusc';

export interface PrivateRegistry {
  service: 'private';
  host: string;
  account: string;
  region: string;
  partition: Partition;
  fips: boolean;
  dualStack: boolean;
}

export interface PublicRegistry {
  service: 'public';
  host: string;
  region: 'us-east-1';
  partition: 'aws';
  fips: false;
  dualStack: boolean;
}

export type Registry = PrivateRegistry | PublicRegistry;

// Region shapes per partition (lower case only; the host is lower-cased first). The commercial
// pattern has exactly two words before the number, so us-gov-*, us-iso-* and eu-isoe-* never match it.
const REGION_PATTERNS: Record<Partition, RegExp> = {
  aws: /^(us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-[0-9]{1,2}$/,
  'aws-us-gov': /^us-gov-[a-z]+-[0-9]{1,2}$/,
  'aws-cn': /^cn-[a-z]+-[0-9]{1,2}$/,
  'aws-iso': /^us-iso-[a-z]+-[0-9]{1,2}$/,
  'aws-iso-b': /^us-isob-[a-z]+-[0-9]{1,2}$/,
  'aws-iso-e': /^eu-isoe-[a-z]+-[0-9]{1,2}$/,
  'aws-iso-f': /^us-isof-[a-z]+-[0-9]{1,2}$/,
  'aws-eusc': /^eusc-de-[a-z]+-[0-9]{1,2}$/,
};

// DNS suffix of `<account>.dkr.ecr[-fips].<region>.<suffix>` -> partitions that use it.
// (Maps, not object literals: a lookup of "constructor" must find nothing.)
const IPV4_SUFFIXES = new Map<string, Partition[]>([
  ['amazonaws.com', ['aws', 'aws-us-gov']],
  ['amazonaws.com.cn', ['aws-cn']],
  ['c2s.ic.gov', ['aws-iso']],
  ['sc2s.sgov.gov', ['aws-iso-b']],
  ['cloud.adc-e.uk', ['aws-iso-e']],
  ['csp.hci.ic.gov', ['aws-iso-f']],
  ['amazonaws.eu', ['aws-eusc']],
]);

// DNS suffix of the dual-stack `<account>.dkr-ecr[-fips].<region>.<suffix>` names.
const DUAL_STACK_SUFFIXES = new Map<string, Partition[]>([
  ['on.aws', ['aws', 'aws-us-gov']],
  ['on.amazonwebservices.com.cn', ['aws-cn']],
]);

// ECR Public host -> is it the dual-stack name.
const PUBLIC_HOSTS = new Map<string, boolean>([
  ['public.ecr.aws', false],
  ['ecr-public.aws.com', true],
]);

// `<12 digits>.<label>.<region>.<suffix>`; region and suffix are validated separately below.
const PRIVATE_HOST = /^([0-9]{12})\.(dkr\.ecr|dkr\.ecr-fips|dkr-ecr|dkr-ecr-fips)\.([a-z0-9-]{1,40})\.([a-z0-9.-]+)$/;
const HOST_CHARS = /^[a-zA-Z0-9.-]{1,253}$/;

/** Extracts the lower-cased hostname from a server URL as Docker, skopeo or a user may write it. */
export function hostOf(serverURL: string): string | undefined {
  let rest = serverURL.trim();
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(rest);
  if (scheme) {
    const name = scheme[1]!.toLowerCase();
    if (name !== 'https' && name !== 'http') return undefined;
    rest = rest.slice(scheme[0].length);
  }
  // A backslash ends the authority too, as in WHATWG URL parsing of http(s) URLs.
  const authority = rest.split(/[/?#\\]/, 1)[0] ?? '';
  const hostAndPort = authority.slice(authority.lastIndexOf('@') + 1);
  const withPort = /^(.*):([0-9]{1,5})$/.exec(hostAndPort);
  if (withPort && Number(withPort[2]) > 65535) return undefined;
  const host = withPort ? withPort[1]! : hostAndPort;
  // Check the characters before lower-casing: some non-ASCII letters (the Kelvin sign) lower-case to ASCII.
  return HOST_CHARS.test(host) ? host.toLowerCase() : undefined;
}

/** Resolves a server URL to the ECR registry it names, or undefined if it names none. */
export function resolveRegistry(serverURL: string): Registry | undefined {
  const host = hostOf(serverURL);
  if (host === undefined) return undefined;

  const dualStackPublic = PUBLIC_HOSTS.get(host);
  if (dualStackPublic !== undefined) {
    return { service: 'public', host, region: 'us-east-1', partition: 'aws', fips: false, dualStack: dualStackPublic };
  }

  const match = PRIVATE_HOST.exec(host);
  if (!match) return undefined;
  const [, account, label, region, suffix] = match as unknown as [string, string, string, string, string];
  const dualStack = label.startsWith('dkr-ecr');
  const partitions = (dualStack ? DUAL_STACK_SUFFIXES : IPV4_SUFFIXES).get(suffix);
  const partition = partitions?.find((p) => REGION_PATTERNS[p].test(region));
  if (!partition) return undefined;
  return { service: 'private', host, account, region, partition, fips: label.endsWith('-fips'), dualStack };
}

const DNS_SUFFIX: Record<Partition, string> = {
  aws: 'amazonaws.com',
  'aws-us-gov': 'amazonaws.com',
  'aws-cn': 'amazonaws.com.cn',
  'aws-iso': 'c2s.ic.gov',
  'aws-iso-b': 'sc2s.sgov.gov',
  'aws-iso-e': 'cloud.adc-e.uk',
  'aws-iso-f': 'csp.hci.ic.gov',
  'aws-eusc': 'amazonaws.eu',
};
const DUAL_STACK_DNS_SUFFIX: Partial<Record<Partition, string>> = { aws: 'api.aws', 'aws-us-gov': 'api.aws', 'aws-cn': 'api.amazonwebservices.com.cn' };

/**
 * The API host the SDK's endpoint rules pick for a registry (for `config check` and error texts;
 * the SDK itself decides the real request, and a test holds the two to the same table).
 */
export function apiHostOf(registry: Registry): string {
  if (registry.service === 'public') return registry.dualStack ? 'ecr-public.us-east-1.api.aws' : 'api.ecr-public.us-east-1.amazonaws.com';
  const service = registry.fips ? 'ecr-fips' : 'ecr';
  const dualStackSuffix = DUAL_STACK_DNS_SUFFIX[registry.partition];
  if (registry.dualStack && dualStackSuffix) return `${service}.${registry.region}.${dualStackSuffix}`;
  return `api.${service}.${registry.region}.${DNS_SUFFIX[registry.partition]}`;
}
