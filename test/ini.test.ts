// The shared config / credentials file parser.

import { describe, expect, it } from 'vitest';
import { parseIni, type IniSections } from '../src/ini.js';

function plain(sections: IniSections): Record<string, Record<string, string>> {
  return Object.fromEntries([...sections].map(([name, values]) => [name, Object.fromEntries(values)]));
}

describe('parseIni', () => {
  it('reads sections and their key = value pairs', () => {
    const text = '[default]\nregion = us-east-1\noutput=json\n\n[profile dev]\nrole_arn = arn:aws:iam::111111111111:role/Dev\n';
    expect(plain(parseIni(text))).toEqual({
      default: { region: 'us-east-1', output: 'json' },
      'profile dev': { role_arn: 'arn:aws:iam::111111111111:role/Dev' },
    });
  });

  it('normalises whitespace inside a [profile x] header and allows a comment after it', () => {
    const text = '[  profile    dev  ]\nregion = a\n[profile\tops] # the ops account\nregion = b\n[sso-session corp] ; sso\nsso_region = c\n';
    expect(plain(parseIni(text))).toEqual({ 'profile dev': { region: 'a' }, 'profile ops': { region: 'b' }, 'sso-session corp': { sso_region: 'c' } });
  });

  it('skips # and ; comment lines, including indented ones', () => {
    const text = '# top\n[default]\n; a comment\nregion = us-east-1\n  # indented comment\noutput = json\n';
    expect(plain(parseIni(text))).toEqual({ default: { region: 'us-east-1', output: 'json' } });
  });

  it('reads CRLF line endings', () => {
    const text = '[default]\r\nregion = us-east-1\r\n[profile dev]\r\noutput = json\r\n';
    expect(plain(parseIni(text))).toEqual({ default: { region: 'us-east-1' }, 'profile dev': { output: 'json' } });
  });

  it('keeps the indented sub-properties of a key with an empty value as parent.key', () => {
    const text = '[default]\ns3 =\n  max_concurrent_requests = 10\n  multipart_threshold = 64MB\nregion = us-east-1\n';
    const section = parseIni(text).get('default');
    expect(section?.get('s3')).toBe('');
    expect(section?.get('s3.max_concurrent_requests')).toBe('10');
    expect(section?.get('s3.multipart_threshold')).toBe('64MB');
    expect(section?.get('region')).toBe('us-east-1');
    expect(section?.has('max_concurrent_requests')).toBe(false);
  });

  it('lower-cases keys and trims keys and values', () => {
    const text = '[default]\n  AWS_Access_Key_ID   =   AKIAEXAMPLE   \nRegion=\tus-east-1\t\n';
    expect(plain(parseIni(text))).toEqual({ default: { aws_access_key_id: 'AKIAEXAMPLE', region: 'us-east-1' } });
  });

  it('keeps an "=" inside a value', () => {
    expect(parseIni('[default]\ncredential_process = /bin/creds --opt=a=b\n').get('default')?.get('credential_process')).toBe('/bin/creds --opt=a=b');
  });

  it('ignores a byte order mark', () => {
    expect(plain(parseIni('\uFEFF[default]\nregion = us-east-1\n'))).toEqual({ default: { region: 'us-east-1' } });
  });

  it('ignores keys before the first section and lines without a key', () => {
    expect(plain(parseIni('region = nowhere\n[default]\njust text\n= no key\nregion = us-east-1\n'))).toEqual({ default: { region: 'us-east-1' } });
  });

  it('merges a section that appears twice, the later value winning', () => {
    expect(plain(parseIni('[default]\nregion = a\noutput = json\n[default]\nregion = b\n'))).toEqual({ default: { region: 'b', output: 'json' } });
  });

  it('returns no sections for empty text', () => {
    expect(parseIni('').size).toBe(0);
  });

  it('keeps "constructor" and "__proto__" as ordinary names', () => {
    const sections = parseIni('[__proto__]\nconstructor = x\n');
    expect(sections.get('__proto__')?.get('constructor')).toBe('x');
    expect(parseIni('').get('constructor')).toBeUndefined();
  });

  // The SDK's parser (@smithy/core shared-ini-file-loader) starts a sub-section only after a key with
  // an empty value, and Python's configparser (AWS CLI) only for deeper indentation; both read these
  // equally indented lines as two ordinary keys. parseIni folds the second into the first's value.
  it('reads equally indented keys as ordinary keys, as the SDK and the AWS CLI do', () => {
    const text = '[default]\n  aws_access_key_id = AKIAEXAMPLE\n  aws_secret_access_key = SECRET\n';
    expect(plain(parseIni(text))).toEqual({ default: { aws_access_key_id: 'AKIAEXAMPLE', aws_secret_access_key: 'SECRET' } });
  });
});
