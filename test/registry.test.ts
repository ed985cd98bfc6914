// Specification of registry resolution (REFERENCE.md section 2): which server URLs name an ECR
// registry, and what service, account, region, partition and endpoint variant they name. Every
// lookalike must resolve to nothing, because the region taken from a hostname decides which AWS
// host receives a signed request.

import { describe, expect, it } from 'vitest';
import { hostOf, resolveRegistry, type Partition, type PrivateRegistry, type Registry } from '../src/registry.js';

const ACCOUNT = '123456789012';

function priv(host: string, region: string, partition: Partition, variant: { fips?: boolean; dualStack?: boolean } = {}): PrivateRegistry {
  return { service: 'private', host, account: ACCOUNT, region, partition, fips: variant.fips ?? false, dualStack: variant.dualStack ?? false };
}

function pub(host: string, dualStack: boolean): Registry {
  return { service: 'public', host, region: 'us-east-1', partition: 'aws', fips: false, dualStack };
}

interface Accepted {
  name: string;
  input: string;
  expected: Registry;
}

interface Rejected {
  name: string;
  input: string;
}

const COMMERCIAL = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`;
const COMMERCIAL_RESULT = priv(COMMERCIAL, 'us-east-1', 'aws');

describe('resolveRegistry', () => {
  describe('families', () => {
    const rows: Accepted[] = [
      { name: 'a commercial registry in us-east-1', input: COMMERCIAL, expected: COMMERCIAL_RESULT },
      { name: 'a commercial registry in eu-west-1', input: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`, expected: priv(`${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`, 'eu-west-1', 'aws') },
      { name: 'a commercial registry in ap-southeast-2', input: `${ACCOUNT}.dkr.ecr.ap-southeast-2.amazonaws.com`, expected: priv(`${ACCOUNT}.dkr.ecr.ap-southeast-2.amazonaws.com`, 'ap-southeast-2', 'aws') },
      { name: 'a commercial registry in sa-east-1', input: `${ACCOUNT}.dkr.ecr.sa-east-1.amazonaws.com`, expected: priv(`${ACCOUNT}.dkr.ecr.sa-east-1.amazonaws.com`, 'sa-east-1', 'aws') },
      { name: 'a commercial registry in ca-central-1', input: `${ACCOUNT}.dkr.ecr.ca-central-1.amazonaws.com`, expected: priv(`${ACCOUNT}.dkr.ecr.ca-central-1.amazonaws.com`, 'ca-central-1', 'aws') },
      { name: 'a commercial registry in me-south-1', input: `${ACCOUNT}.dkr.ecr.me-south-1.amazonaws.com`, expected: priv(`${ACCOUNT}.dkr.ecr.me-south-1.amazonaws.com`, 'me-south-1', 'aws') },
      { name: 'a commercial registry in af-south-1', input: `${ACCOUNT}.dkr.ecr.af-south-1.amazonaws.com`, expected: priv(`${ACCOUNT}.dkr.ecr.af-south-1.amazonaws.com`, 'af-south-1', 'aws') },
      { name: 'a commercial registry in il-central-1', input: `${ACCOUNT}.dkr.ecr.il-central-1.amazonaws.com`, expected: priv(`${ACCOUNT}.dkr.ecr.il-central-1.amazonaws.com`, 'il-central-1', 'aws') },
      { name: 'a commercial registry in mx-central-1', input: `${ACCOUNT}.dkr.ecr.mx-central-1.amazonaws.com`, expected: priv(`${ACCOUNT}.dkr.ecr.mx-central-1.amazonaws.com`, 'mx-central-1', 'aws') },
      { name: 'a commercial registry with a two-digit region number', input: `${ACCOUNT}.dkr.ecr.ap-southeast-10.amazonaws.com`, expected: priv(`${ACCOUNT}.dkr.ecr.ap-southeast-10.amazonaws.com`, 'ap-southeast-10', 'aws') },
      { name: 'an account number that starts with zeros', input: '000000000001.dkr.ecr.us-east-1.amazonaws.com', expected: { ...priv('000000000001.dkr.ecr.us-east-1.amazonaws.com', 'us-east-1', 'aws'), account: '000000000001' } },
      { name: 'a commercial FIPS registry', input: `${ACCOUNT}.dkr.ecr-fips.us-east-1.amazonaws.com`, expected: priv(`${ACCOUNT}.dkr.ecr-fips.us-east-1.amazonaws.com`, 'us-east-1', 'aws', { fips: true }) },
      { name: 'a China registry in cn-north-1', input: `${ACCOUNT}.dkr.ecr.cn-north-1.amazonaws.com.cn`, expected: priv(`${ACCOUNT}.dkr.ecr.cn-north-1.amazonaws.com.cn`, 'cn-north-1', 'aws-cn') },
      { name: 'a China registry in cn-northwest-1', input: `${ACCOUNT}.dkr.ecr.cn-northwest-1.amazonaws.com.cn`, expected: priv(`${ACCOUNT}.dkr.ecr.cn-northwest-1.amazonaws.com.cn`, 'cn-northwest-1', 'aws-cn') },
      { name: 'a GovCloud registry in us-gov-west-1', input: `${ACCOUNT}.dkr.ecr.us-gov-west-1.amazonaws.com`, expected: priv(`${ACCOUNT}.dkr.ecr.us-gov-west-1.amazonaws.com`, 'us-gov-west-1', 'aws-us-gov') },
      { name: 'a GovCloud FIPS registry in us-gov-east-1', input: `${ACCOUNT}.dkr.ecr-fips.us-gov-east-1.amazonaws.com`, expected: priv(`${ACCOUNT}.dkr.ecr-fips.us-gov-east-1.amazonaws.com`, 'us-gov-east-1', 'aws-us-gov', { fips: true }) },
      { name: 'an ISO registry in us-iso-east-1', input: `${ACCOUNT}.dkr.ecr.us-iso-east-1.c2s.ic.gov`, expected: priv(`${ACCOUNT}.dkr.ecr.us-iso-east-1.c2s.ic.gov`, 'us-iso-east-1', 'aws-iso') },
      { name: 'an ISO registry in us-iso-west-1', input: `${ACCOUNT}.dkr.ecr.us-iso-west-1.c2s.ic.gov`, expected: priv(`${ACCOUNT}.dkr.ecr.us-iso-west-1.c2s.ic.gov`, 'us-iso-west-1', 'aws-iso') },
      { name: 'an ISO-B registry in us-isob-east-1', input: `${ACCOUNT}.dkr.ecr.us-isob-east-1.sc2s.sgov.gov`, expected: priv(`${ACCOUNT}.dkr.ecr.us-isob-east-1.sc2s.sgov.gov`, 'us-isob-east-1', 'aws-iso-b') },
      { name: 'an ISO-E registry in eu-isoe-west-1', input: `${ACCOUNT}.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk`, expected: priv(`${ACCOUNT}.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk`, 'eu-isoe-west-1', 'aws-iso-e') },
      { name: 'an ISO-F registry in us-isof-south-1', input: `${ACCOUNT}.dkr.ecr.us-isof-south-1.csp.hci.ic.gov`, expected: priv(`${ACCOUNT}.dkr.ecr.us-isof-south-1.csp.hci.ic.gov`, 'us-isof-south-1', 'aws-iso-f') },
      { name: 'an ISO-F registry in us-isof-east-1', input: `${ACCOUNT}.dkr.ecr.us-isof-east-1.csp.hci.ic.gov`, expected: priv(`${ACCOUNT}.dkr.ecr.us-isof-east-1.csp.hci.ic.gov`, 'us-isof-east-1', 'aws-iso-f') },
      { name: 'an EU sovereign cloud registry in eusc-de-east-1', input: `${ACCOUNT}.dkr.ecr.eusc-de-east-1.amazonaws.eu`, expected: priv(`${ACCOUNT}.dkr.ecr.eusc-de-east-1.amazonaws.eu`, 'eusc-de-east-1', 'aws-eusc') },
      { name: 'a commercial dual-stack registry', input: `${ACCOUNT}.dkr-ecr.us-east-1.on.aws`, expected: priv(`${ACCOUNT}.dkr-ecr.us-east-1.on.aws`, 'us-east-1', 'aws', { dualStack: true }) },
      { name: 'a commercial dual-stack FIPS registry', input: `${ACCOUNT}.dkr-ecr-fips.us-west-2.on.aws`, expected: priv(`${ACCOUNT}.dkr-ecr-fips.us-west-2.on.aws`, 'us-west-2', 'aws', { fips: true, dualStack: true }) },
      { name: 'a GovCloud dual-stack registry', input: `${ACCOUNT}.dkr-ecr.us-gov-west-1.on.aws`, expected: priv(`${ACCOUNT}.dkr-ecr.us-gov-west-1.on.aws`, 'us-gov-west-1', 'aws-us-gov', { dualStack: true }) },
      { name: 'a GovCloud dual-stack FIPS registry', input: `${ACCOUNT}.dkr-ecr-fips.us-gov-east-1.on.aws`, expected: priv(`${ACCOUNT}.dkr-ecr-fips.us-gov-east-1.on.aws`, 'us-gov-east-1', 'aws-us-gov', { fips: true, dualStack: true }) },
      { name: 'a China dual-stack registry', input: `${ACCOUNT}.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn`, expected: priv(`${ACCOUNT}.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn`, 'cn-north-1', 'aws-cn', { dualStack: true }) },
      { name: 'ECR Public', input: 'public.ecr.aws', expected: pub('public.ecr.aws', false) },
      { name: 'the ECR Public dual-stack name', input: 'ecr-public.aws.com', expected: pub('ecr-public.aws.com', true) },
    ];
    it.each(rows)('accepts $name ($input)', ({ input, expected }) => {
      expect(resolveRegistry(input)).toStrictEqual(expected);
    });
  });

  describe('ways of writing the same server URL', () => {
    const rows: Accepted[] = [
      { name: 'an https:// scheme', input: `https://${COMMERCIAL}`, expected: COMMERCIAL_RESULT },
      { name: 'an http:// scheme', input: `http://${COMMERCIAL}`, expected: COMMERCIAL_RESULT },
      { name: 'an upper-case scheme', input: `HTTPS://${COMMERCIAL}`, expected: COMMERCIAL_RESULT },
      { name: 'a mixed-case scheme', input: `HtTp://${COMMERCIAL}`, expected: COMMERCIAL_RESULT },
      { name: 'a port', input: `${COMMERCIAL}:443`, expected: COMMERCIAL_RESULT },
      { name: 'the highest port', input: `https://${COMMERCIAL}:65535`, expected: COMMERCIAL_RESULT },
      { name: 'a /v2/ path', input: `https://${COMMERCIAL}/v2/`, expected: COMMERCIAL_RESULT },
      { name: 'a repository path without a scheme', input: `${COMMERCIAL}/team/app`, expected: COMMERCIAL_RESULT },
      { name: 'a trailing slash', input: `${COMMERCIAL}/`, expected: COMMERCIAL_RESULT },
      { name: 'a query', input: `https://${COMMERCIAL}?scope=repository:app:pull`, expected: COMMERCIAL_RESULT },
      { name: 'a fragment', input: `https://${COMMERCIAL}#frag`, expected: COMMERCIAL_RESULT },
      { name: 'a port, path and query together', input: `https://${COMMERCIAL}:443/v2/app/manifests/latest?x=1`, expected: COMMERCIAL_RESULT },
      { name: 'user-info before the ECR host', input: `https://user:pw@${COMMERCIAL}`, expected: COMMERCIAL_RESULT },
      { name: 'user-info without a scheme', input: `AWS@${COMMERCIAL}:443`, expected: COMMERCIAL_RESULT },
      { name: 'leading and trailing spaces', input: `  ${COMMERCIAL}  `, expected: COMMERCIAL_RESULT },
      { name: 'a trailing newline', input: `${COMMERCIAL}\n`, expected: COMMERCIAL_RESULT },
      { name: 'a trailing CRLF', input: `https://${COMMERCIAL}\r\n`, expected: COMMERCIAL_RESULT },
      { name: 'surrounding tabs', input: `\t${COMMERCIAL}\t`, expected: COMMERCIAL_RESULT },
      { name: 'an upper-case hostname (host is lower-cased)', input: COMMERCIAL.toUpperCase(), expected: COMMERCIAL_RESULT },
      { name: 'a mixed-case region (host is lower-cased)', input: `${ACCOUNT}.Dkr.Ecr.US-East-1.AmazonAWS.com`, expected: COMMERCIAL_RESULT },
      { name: 'a mixed-case FIPS dual-stack host', input: `https://${ACCOUNT}.DKR-ECR-FIPS.US-WEST-2.ON.AWS/v2/`, expected: priv(`${ACCOUNT}.dkr-ecr-fips.us-west-2.on.aws`, 'us-west-2', 'aws', { fips: true, dualStack: true }) },
      { name: 'ECR Public with https:// and a /v2/ path', input: 'https://public.ecr.aws/v2/', expected: pub('public.ecr.aws', false) },
      { name: 'ECR Public with a port', input: 'public.ecr.aws:443', expected: pub('public.ecr.aws', false) },
      { name: 'ECR Public in upper case', input: 'PUBLIC.ECR.AWS', expected: pub('public.ecr.aws', false) },
      { name: 'the ECR Public dual-stack name with a scheme, port and path', input: ' HTTPS://Ecr-Public.AWS.com:443/v2/ ', expected: pub('ecr-public.aws.com', true) },
    ];
    it.each(rows)('accepts $name', ({ input, expected }) => {
      expect(resolveRegistry(input)).toStrictEqual(expected);
    });
  });

  describe('lookalikes and malformed input', () => {
    const rows: Rejected[] = [
      // Anchoring on the whole hostname.
      { name: 'a suffix appended to an ECR hostname', input: `${COMMERCIAL}.evil.com` },
      { name: 'a suffix appended with a scheme and path', input: `https://${COMMERCIAL}.evil.com/v2/` },
      { name: 'an ECR hostname that is only a path under another host', input: `evil.com/${COMMERCIAL}` },
      { name: 'an ECR hostname that is only a path under another host with a scheme', input: `https://evil.com/${COMMERCIAL}` },
      { name: 'an ECR hostname that is only user-info', input: `${COMMERCIAL}@evil.com` },
      { name: 'an ECR hostname that is only user-info with a scheme and port', input: `https://${COMMERCIAL}:443@evil.com/v2/` },
      { name: 'an ECR hostname that is only a query', input: `https://evil.com?host=${COMMERCIAL}` },
      { name: 'an ECR hostname that is only a fragment', input: `https://evil.com#${COMMERCIAL}` },
      { name: 'a label prepended to an ECR hostname', input: `evil.${COMMERCIAL}` },
      { name: 'an extra label between region and suffix', input: `${ACCOUNT}.dkr.ecr.us-east-1.evil.amazonaws.com` },
      { name: 'an extra label between account and dkr.ecr', input: `${ACCOUNT}.x.dkr.ecr.us-east-1.amazonaws.com` },
      { name: 'a trailing dot', input: `${COMMERCIAL}.` },
      { name: 'ECR Public with a suffix appended', input: 'public.ecr.aws.evil.com' },
      { name: 'ECR Public with a character prepended', input: 'xpublic.ecr.aws' },
      { name: 'ECR Public with a label prepended', input: 'evil.public.ecr.aws' },
      { name: 'ECR Public as only user-info', input: 'https://public.ecr.aws@evil.com' },
      { name: 'ECR Public with a trailing dot', input: 'public.ecr.aws.' },
      { name: 'the ECR Public dual-stack name with a suffix appended', input: 'ecr-public.aws.com.evil.com' },
      // Account.
      { name: 'an 11-digit account', input: '12345678901.dkr.ecr.us-east-1.amazonaws.com' },
      { name: 'a 13-digit account', input: '1234567890123.dkr.ecr.us-east-1.amazonaws.com' },
      { name: 'a non-digit account', input: '12345678901a.dkr.ecr.us-east-1.amazonaws.com' },
      { name: 'a missing account', input: 'dkr.ecr.us-east-1.amazonaws.com' },
      // Service label.
      { name: 'a host without dkr.ecr', input: `${ACCOUNT}.us-east-1.amazonaws.com` },
      { name: 'a host with ecr but not dkr', input: `${ACCOUNT}.ecr.us-east-1.amazonaws.com` },
      { name: 'a host with dkr but not ecr', input: `${ACCOUNT}.dkr.us-east-1.amazonaws.com` },
      { name: 'the ECR API host', input: 'api.ecr.us-east-1.amazonaws.com' },
      { name: 'an unknown service label', input: `${ACCOUNT}.dkr.ecr-evil.us-east-1.amazonaws.com` },
      // Region shape.
      { name: 'a region with a dot', input: `${ACCOUNT}.dkr.ecr.us.east-1.amazonaws.com` },
      { name: 'a region with a slash', input: `${ACCOUNT}.dkr.ecr.us-east-1/x.amazonaws.com` },
      { name: 'a region with an underscore', input: `${ACCOUNT}.dkr.ecr.us_east_1.amazonaws.com` },
      { name: 'a region with percent-encoding', input: `${ACCOUNT}.dkr.ecr.us-east%2d1.amazonaws.com` },
      { name: 'a region with a percent-encoded dot', input: `${ACCOUNT}.dkr.ecr.us-east-1%2eevil.amazonaws.com` },
      { name: 'a region with a Cyrillic letter', input: `${ACCOUNT}.dkr.ecr.us-\u0435ast-1.amazonaws.com` },
      { name: 'a region with a long s (U+017F, upper-cases to S)', input: `${ACCOUNT}.dkr.ecr.us-ea\u017Ft-1.amazonaws.com` },
      { name: 'a region with a dotted capital I (U+0130, lower-cases to two code points)', input: `${ACCOUNT}.dkr.ecr.\u0130l-central-1.amazonaws.com` },
      { name: 'a region with a fullwidth letter', input: `${ACCOUNT}.dkr.ecr.us-\uFF45ast-1.amazonaws.com` },
      { name: 'a region with a space', input: `${ACCOUNT}.dkr.ecr.us-east 1.amazonaws.com` },
      { name: 'a region without a number', input: `${ACCOUNT}.dkr.ecr.us-east.amazonaws.com` },
      { name: 'a region with a three-digit number', input: `${ACCOUNT}.dkr.ecr.us-east-100.amazonaws.com` },
      { name: 'a region with an availability-zone letter', input: `${ACCOUNT}.dkr.ecr.us-east-1a.amazonaws.com` },
      { name: 'a region with an extra word', input: `${ACCOUNT}.dkr.ecr.us-east-east-1.amazonaws.com` },
      { name: 'a region with an unknown geography', input: `${ACCOUNT}.dkr.ecr.xx-east-1.amazonaws.com` },
      { name: 'a region with a leading hyphen', input: `${ACCOUNT}.dkr.ecr.-us-east-1.amazonaws.com` },
      // Region of the wrong partition for the suffix.
      { name: 'a China region on amazonaws.com', input: `${ACCOUNT}.dkr.ecr.cn-north-1.amazonaws.com` },
      { name: 'a commercial region on amazonaws.com.cn', input: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com.cn` },
      { name: 'a GovCloud region on amazonaws.com.cn', input: `${ACCOUNT}.dkr.ecr.us-gov-west-1.amazonaws.com.cn` },
      { name: 'an ISO region on amazonaws.com', input: `${ACCOUNT}.dkr.ecr.us-iso-east-1.amazonaws.com` },
      { name: 'an ISO-B region on amazonaws.com', input: `${ACCOUNT}.dkr.ecr.us-isob-east-1.amazonaws.com` },
      { name: 'an ISO-E region on amazonaws.com', input: `${ACCOUNT}.dkr.ecr.eu-isoe-west-1.amazonaws.com` },
      { name: 'an ISO-F region on amazonaws.com', input: `${ACCOUNT}.dkr.ecr.us-isof-south-1.amazonaws.com` },
      { name: 'an EU sovereign region on amazonaws.com', input: `${ACCOUNT}.dkr.ecr.eusc-de-east-1.amazonaws.com` },
      { name: 'a commercial region on amazonaws.eu', input: `${ACCOUNT}.dkr.ecr.eu-central-1.amazonaws.eu` },
      { name: 'a commercial region on c2s.ic.gov', input: `${ACCOUNT}.dkr.ecr.us-east-1.c2s.ic.gov` },
      { name: 'an ISO-B region on c2s.ic.gov', input: `${ACCOUNT}.dkr.ecr.us-isob-east-1.c2s.ic.gov` },
      { name: 'an ISO region on sc2s.sgov.gov', input: `${ACCOUNT}.dkr.ecr.us-iso-east-1.sc2s.sgov.gov` },
      { name: 'an ISO-F region on c2s.ic.gov', input: `${ACCOUNT}.dkr.ecr.us-isof-south-1.c2s.ic.gov` },
      { name: 'a commercial region on cloud.adc-e.uk', input: `${ACCOUNT}.dkr.ecr.eu-west-1.cloud.adc-e.uk` },
      { name: 'an ISO region on csp.hci.ic.gov', input: `${ACCOUNT}.dkr.ecr.us-iso-east-1.csp.hci.ic.gov` },
      { name: 'a China region on the dual-stack on.aws', input: `${ACCOUNT}.dkr-ecr.cn-north-1.on.aws` },
      { name: 'a commercial region on the China dual-stack suffix', input: `${ACCOUNT}.dkr-ecr.us-east-1.on.amazonwebservices.com.cn` },
      { name: 'an ISO region on the dual-stack on.aws', input: `${ACCOUNT}.dkr-ecr.us-iso-east-1.on.aws` },
      // Label and suffix of different families.
      { name: 'the IPv4 label on the dual-stack suffix', input: `${ACCOUNT}.dkr.ecr.us-east-1.on.aws` },
      { name: 'the dual-stack label on the IPv4 suffix', input: `${ACCOUNT}.dkr-ecr.us-east-1.amazonaws.com` },
      { name: 'the dual-stack FIPS label on the IPv4 suffix', input: `${ACCOUNT}.dkr-ecr-fips.us-east-1.amazonaws.com` },
      // Suffix.
      { name: 'an unknown suffix', input: `${ACCOUNT}.dkr.ecr.us-east-1.example.com` },
      { name: 'a suffix missing its last label', input: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws` },
      { name: 'no suffix at all', input: `${ACCOUNT}.dkr.ecr.us-east-1` },
      { name: 'an object-prototype name as suffix', input: `${ACCOUNT}.dkr.ecr.us-east-1.constructor` },
      // Scheme, port and other malformed input.
      { name: 'an ftp:// scheme', input: `ftp://${COMMERCIAL}` },
      { name: 'a file:// scheme', input: `file://${COMMERCIAL}` },
      { name: 'a scheme-relative URL', input: `//${COMMERCIAL}` },
      { name: 'the empty string', input: '' },
      { name: 'only whitespace', input: ' \r\n\t ' },
      { name: 'a port above 65535', input: `${COMMERCIAL}:65536` },
      { name: 'a six-digit port', input: `${COMMERCIAL}:100000` },
      { name: 'a non-numeric port', input: `${COMMERCIAL}:https` },
      { name: 'an empty port', input: `${COMMERCIAL}:` },
      { name: 'whitespace inside the hostname', input: `${ACCOUNT}.dkr.ecr. us-east-1.amazonaws.com` },
      { name: 'the literal host constructor', input: 'constructor' },
      { name: 'the literal host __proto__', input: '__proto__' },
      { name: 'the literal host toString', input: 'toString' },
      { name: 'an IPv6 literal', input: '[::1]' },
      { name: 'an IPv6 literal with a port and scheme', input: 'https://[2600:1f18::1]:443/v2/' },
      { name: 'an IPv4 address', input: '52.46.0.1' },
      { name: 'localhost', input: 'localhost:5000' },
      { name: 'Docker Hub', input: 'https://index.docker.io/v1/' },
    ];
    it.each(rows)('rejects $name', ({ input }) => {
      expect(resolveRegistry(input)).toBeUndefined();
    });

    // U+212A KELVIN SIGN lower-cases to the ASCII letter "k", so the character check in hostOf,
    // which runs after toLowerCase, passes a hostname that was not ASCII as written.
    it('rejects a Kelvin sign (U+212A) that lower-cases to an ASCII "k"', () => {
      expect(resolveRegistry(`${ACCOUNT}.d\u212Ar.ecr.us-east-1.amazonaws.com`)).toBeUndefined();
    });

    // WHATWG URL (and so Node's `new URL`) reads a backslash in an http(s) URL as a path separator,
    // so the host of this URL is evil.com and the ECR name is only a path; Go's net/url rejects it.
    // hostOf only splits on "/", "?" and "#", so it takes the part after "@" as the host.
    it('rejects an ECR hostname that follows a backslash (a path for URL parsers)', () => {
      expect(new URL(`https://evil.com\\@${COMMERCIAL}`).hostname).toBe('evil.com');
      expect(resolveRegistry(`https://evil.com\\@${COMMERCIAL}`)).toBeUndefined();
    });
  });

  it('returns exactly the documented fields for a private registry', () => {
    const result = resolveRegistry(COMMERCIAL);
    expect(result).toBeDefined();
    expect(Object.keys(result!).sort()).toEqual(['account', 'dualStack', 'fips', 'host', 'partition', 'region', 'service']);
  });
});

describe('hostOf', () => {
  const rows: { name: string; input: string; expected: string | undefined }[] = [
    { name: 'returns a bare hostname unchanged', input: 'example.com', expected: 'example.com' },
    { name: 'lower-cases the hostname', input: 'Example.COM', expected: 'example.com' },
    { name: 'drops an https:// scheme', input: 'https://example.com', expected: 'example.com' },
    { name: 'drops an upper-case HTTP:// scheme', input: 'HTTP://example.com', expected: 'example.com' },
    { name: 'drops a port', input: 'example.com:5000', expected: 'example.com' },
    { name: 'drops a path, query and fragment', input: 'https://example.com/v2/x?y=1#z', expected: 'example.com' },
    { name: 'drops user-info', input: 'https://user:pw@example.com:443/', expected: 'example.com' },
    { name: 'takes the host after the last @', input: 'a@b@example.com', expected: 'example.com' },
    { name: 'trims surrounding whitespace and CRLF', input: '  https://example.com/  \r\n', expected: 'example.com' },
    { name: 'keeps hyphens and digits', input: 'my-registry-1.example.com', expected: 'my-registry-1.example.com' },
    { name: 'accepts a 253-character hostname', input: `${'a'.repeat(249)}.com`, expected: `${'a'.repeat(249)}.com` },
    { name: 'rejects a 254-character hostname', input: `${'a'.repeat(250)}.com`, expected: undefined },
    { name: 'rejects an ftp:// scheme', input: 'ftp://example.com', expected: undefined },
    { name: 'rejects an unknown scheme', input: 'docker://example.com', expected: undefined },
    { name: 'rejects the empty string', input: '', expected: undefined },
    { name: 'rejects a port above 65535', input: 'example.com:70000', expected: undefined },
    { name: 'accepts port 65535', input: 'example.com:65535', expected: 'example.com' },
    { name: 'rejects an IPv6 literal', input: '[::1]:443', expected: undefined },
    { name: 'rejects an underscore', input: 'my_registry.example.com', expected: undefined },
    { name: 'rejects percent-encoding', input: 'example%2ecom', expected: undefined },
    { name: 'rejects non-ASCII letters', input: 'ex\u00E4mple.com', expected: undefined },
    { name: 'rejects an empty authority', input: 'https:///v2/', expected: undefined },
  ];
  it.each(rows)('$name', ({ input, expected }) => {
    expect(hostOf(input)).toBe(expected);
  });
});
