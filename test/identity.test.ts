// Specification of the credential-source fingerprint: which source the SDK's default chain would
// use, computed from the environment and the shared config files (through readText) only, without
// any secret in the result.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { identify, type Identity } from '../src/identity.js';

type Env = Record<string, string | undefined>;
type Files = Record<string, string>;

const HOME = '/home/tester';
const CONFIG = join(HOME, '.aws', 'config');
const CREDENTIALS = join(HOME, '.aws', 'credentials');

const KEY_ID = 'AKIAEXAMPLEKEYIDAAAA';
const OTHER_KEY_ID = 'AKIAEXAMPLEKEYIDBBBB';
const SECRET = 'wJalrXUtnFEMIsecretEXAMPLEKEY';
const OTHER_SECRET = 'otherSecretValueEXAMPLE';
const TOKEN = 'FwoGZXIvYXdzSessionTokenEXAMPLE';
const OTHER_TOKEN = 'IQoJb3JpZ2luSessionTokenROTATED';

/** An in-memory readText that records every path it is asked for. */
function reader(files: Files): { readText: (path: string) => string | undefined; reads: string[] } {
  const map = new Map(Object.entries(files));
  const reads: string[] = [];
  return {
    reads,
    readText: (path: string) => {
      reads.push(path);
      return map.get(path);
    },
  };
}

function id(env: Env, files: Files = {}): Identity {
  return identify({ HOME, ...env }, reader(files).readText);
}

function fp(env: Env, files: Files = {}): string {
  return id(env, files).fingerprint;
}

const STATIC_ENV: Env = { AWS_ACCESS_KEY_ID: KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET, AWS_SESSION_TOKEN: TOKEN };

describe('identify: environment variables', () => {
  it('uses static keys from the environment', () => {
    expect(id(STATIC_ENV).source).toMatch(/environment variables/);
  });

  it('keeps the fingerprint when AWS_SECRET_ACCESS_KEY changes', () => {
    expect(fp({ ...STATIC_ENV, AWS_SECRET_ACCESS_KEY: OTHER_SECRET })).toBe(fp(STATIC_ENV));
  });

  it('keeps the fingerprint when AWS_SESSION_TOKEN changes', () => {
    expect(fp({ ...STATIC_ENV, AWS_SESSION_TOKEN: OTHER_TOKEN })).toBe(fp(STATIC_ENV));
  });

  it('keeps the fingerprint when AWS_SESSION_TOKEN is removed', () => {
    expect(fp({ ...STATIC_ENV, AWS_SESSION_TOKEN: undefined })).toBe(fp(STATIC_ENV));
  });

  it('changes the fingerprint when AWS_ACCESS_KEY_ID changes', () => {
    expect(fp({ ...STATIC_ENV, AWS_ACCESS_KEY_ID: OTHER_KEY_ID })).not.toBe(fp(STATIC_ENV));
  });

  it('ignores the shared files entirely when environment keys answer', () => {
    const files = { [CONFIG]: '[default]\nrole_arn = arn:aws:iam::111111111111:role/A\ncredential_source = Ec2InstanceMetadata\n' };
    expect(fp(STATIC_ENV, files)).toBe(fp(STATIC_ENV));
  });

  it('does not use an access key id without a secret access key', () => {
    expect(id({ AWS_ACCESS_KEY_ID: KEY_ID }).source).not.toMatch(/environment variables/);
    expect(fp({ AWS_ACCESS_KEY_ID: KEY_ID })).toBe(fp({}));
  });

  it('ignores environment keys when AWS_PROFILE is set, like the SDK chain', () => {
    const files = { [CONFIG]: '[profile dev]\nrole_arn = arn:aws:iam::111111111111:role/Dev\nsource_profile = base\n', [CREDENTIALS]: `[base]\naws_access_key_id = ${OTHER_KEY_ID}\naws_secret_access_key = ${OTHER_SECRET}\n` };
    const withKeys = id({ ...STATIC_ENV, AWS_PROFILE: 'dev' }, files);
    const withoutKeys = id({ AWS_PROFILE: 'dev' }, files);
    expect(withKeys.source).toBe('profile "dev"');
    expect(withKeys.fingerprint).toBe(withoutKeys.fingerprint);
    expect(fp({ ...STATIC_ENV, AWS_ACCESS_KEY_ID: OTHER_KEY_ID, AWS_PROFILE: 'dev' }, files)).toBe(withKeys.fingerprint);
  });

  it('ignores environment keys when AWS_PROFILE names a profile that does not exist', () => {
    const result = id({ ...STATIC_ENV, AWS_PROFILE: 'missing' });
    expect(result.source).not.toMatch(/environment variables/);
    expect(result.fingerprint).toBe(fp({ AWS_PROFILE: 'missing' }));
  });
});

describe('identify: shared config profiles', () => {
  const ROLE_CONFIG = [
    '[profile dev]',
    'role_arn = arn:aws:iam::111111111111:role/Dev',
    'source_profile = base',
    'external_id = ext-1',
    'region = us-east-1',
    '',
    '[profile base]',
    'region = us-east-1',
    '',
  ].join('\n');
  const BASE_CREDENTIALS = `[base]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\naws_session_token = ${TOKEN}\n`;
  const files: Files = { [CONFIG]: ROLE_CONFIG, [CREDENTIALS]: BASE_CREDENTIALS };
  const env: Env = { AWS_PROFILE: 'dev' };
  const base = fp(env, files);

  it('describes the profile that supplies credentials', () => {
    expect(id(env, files).source).toBe('profile "dev"');
  });

  it('uses the default profile when AWS_PROFILE is unset', () => {
    const defaults = { [CREDENTIALS]: `[default]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n` };
    expect(id({}, defaults).source).toBe('profile "default"');
    expect(fp({}, defaults)).toBe(fp({ AWS_PROFILE: 'default' }, defaults));
  });

  it('reads [profile default] as well as [default] in the config file', () => {
    const a = { [CONFIG]: '[default]\ncredential_process = /bin/creds\n' };
    const b = { [CONFIG]: '[profile default]\ncredential_process = /bin/creds\n' };
    expect(id({}, a).source).toBe('profile "default"');
    expect(fp({}, a)).toBe(fp({}, b));
  });

  it('gives different profiles different fingerprints even with identical settings', () => {
    const twins = { [CONFIG]: '[profile a]\ncredential_process = /bin/creds\n[profile b]\ncredential_process = /bin/creds\n' };
    expect(fp({ AWS_PROFILE: 'a' }, twins)).not.toBe(fp({ AWS_PROFILE: 'b' }, twins));
  });

  it('changes the fingerprint when role_arn changes', () => {
    const changed = { ...files, [CONFIG]: ROLE_CONFIG.replace('role/Dev', 'role/Admin') };
    expect(fp(env, changed)).not.toBe(base);
  });

  it('changes the fingerprint when external_id changes', () => {
    const changed = { ...files, [CONFIG]: ROLE_CONFIG.replace('ext-1', 'ext-2') };
    expect(fp(env, changed)).not.toBe(base);
  });

  it('changes the fingerprint when source_profile names another profile', () => {
    const changed = { [CONFIG]: `${ROLE_CONFIG.replace('source_profile = base', 'source_profile = other')}\n[profile other]\nregion = us-east-1\n`, [CREDENTIALS]: BASE_CREDENTIALS.replace('[base]', '[other]') };
    expect(fp(env, changed)).not.toBe(base);
  });

  it("keeps the fingerprint when the source profile's access key id changes (the token is the role's)", () => {
    const changed = { ...files, [CREDENTIALS]: BASE_CREDENTIALS.replace(KEY_ID, OTHER_KEY_ID) };
    expect(fp(env, changed)).toBe(base);
  });

  it("changes the fingerprint when the source profile's own settings change", () => {
    const changed = { ...files, [CONFIG]: ROLE_CONFIG.replace('[profile base]\nregion = us-east-1', '[profile base]\nregion = eu-west-1') };
    expect(fp(env, changed)).not.toBe(base);
  });

  it("keeps the fingerprint when the source profile's secret key and session token rotate", () => {
    const rotated = { ...files, [CREDENTIALS]: BASE_CREDENTIALS.replace(SECRET, OTHER_SECRET).replace(TOKEN, OTHER_TOKEN) };
    expect(fp(env, rotated)).toBe(base);
  });

  it('keeps the fingerprint when an unrelated profile changes', () => {
    const changed = { ...files, [CONFIG]: `${ROLE_CONFIG}\n[profile unrelated]\nregion = ap-south-1\n` };
    expect(fp(env, changed)).toBe(base);
  });

  describe('static keys in the credentials file', () => {
    const creds = (keyId: string, secret: string, token: string) => ({ [CREDENTIALS]: `[ci]\naws_access_key_id = ${keyId}\naws_secret_access_key = ${secret}\naws_session_token = ${token}\n` });
    const ci = { AWS_PROFILE: 'ci' };

    it('keeps the fingerprint when aws_session_token rotates', () => {
      expect(fp(ci, creds(KEY_ID, SECRET, OTHER_TOKEN))).toBe(fp(ci, creds(KEY_ID, SECRET, TOKEN)));
    });

    it('keeps the fingerprint when aws_secret_access_key rotates', () => {
      expect(fp(ci, creds(KEY_ID, OTHER_SECRET, TOKEN))).toBe(fp(ci, creds(KEY_ID, SECRET, TOKEN)));
    });

    it('keeps the fingerprint when secrets are written with upper-case keys', () => {
      const upper = { [CREDENTIALS]: `[ci]\naws_access_key_id = ${KEY_ID}\nAWS_SECRET_ACCESS_KEY = ${OTHER_SECRET}\nAWS_SESSION_TOKEN = ${OTHER_TOKEN}\n` };
      expect(fp(ci, upper)).toBe(fp(ci, creds(KEY_ID, SECRET, TOKEN)));
    });

    it('changes the fingerprint when aws_access_key_id changes', () => {
      expect(fp(ci, creds(OTHER_KEY_ID, SECRET, TOKEN))).not.toBe(fp(ci, creds(KEY_ID, SECRET, TOKEN)));
    });

    it('lets the credentials file win over the config file for the same key', () => {
      const both = { [CONFIG]: `[profile ci]\naws_access_key_id = ${OTHER_KEY_ID}\n`, ...creds(KEY_ID, SECRET, TOKEN) };
      expect(fp(ci, both)).toBe(fp(ci, { [CONFIG]: `[profile ci]\naws_access_key_id = ${KEY_ID}\n`, ...creds(KEY_ID, SECRET, TOKEN) }));
    });
  });

  describe('SSO', () => {
    const sso = (startUrl: string, accountId = '222222222222') =>
      ({ [CONFIG]: `[profile sso]\nsso_session = corp\nsso_account_id = ${accountId}\nsso_role_name = ReadOnly\n\n[sso-session corp]\nsso_start_url = ${startUrl}\nsso_region = us-east-1\n` });
    const ssoEnv = { AWS_PROFILE: 'sso' };

    it('uses a profile with an sso_session', () => {
      expect(id(ssoEnv, sso('https://corp.awsapps.com/start')).source).toBe('profile "sso"');
    });

    it('changes the fingerprint when the sso-session section contents change', () => {
      expect(fp(ssoEnv, sso('https://other.awsapps.com/start'))).not.toBe(fp(ssoEnv, sso('https://corp.awsapps.com/start')));
    });

    it('changes the fingerprint when sso_account_id changes', () => {
      expect(fp(ssoEnv, sso('https://corp.awsapps.com/start', '333333333333'))).not.toBe(fp(ssoEnv, sso('https://corp.awsapps.com/start')));
    });
  });

  it('changes the fingerprint when credential_process changes', () => {
    const proc = (cmd: string) => ({ [CONFIG]: `[profile p]\ncredential_process = ${cmd}\n` });
    expect(id({ AWS_PROFILE: 'p' }, proc('/usr/bin/creds --account a')).source).toBe('profile "p"');
    expect(fp({ AWS_PROFILE: 'p' }, proc('/usr/bin/creds --account b'))).not.toBe(fp({ AWS_PROFILE: 'p' }, proc('/usr/bin/creds --account a')));
  });

  it('changes the fingerprint when AWS_CONFIG_FILE points at another file with the same contents', () => {
    const other = '/etc/aws/config';
    const moved = { [other]: ROLE_CONFIG, [CREDENTIALS]: BASE_CREDENTIALS };
    expect(fp({ ...env, AWS_CONFIG_FILE: other }, moved)).not.toBe(base);
  });

  it('changes the fingerprint when AWS_SHARED_CREDENTIALS_FILE points at another file with the same contents', () => {
    const other = '/etc/aws/credentials';
    const moved = { [CONFIG]: ROLE_CONFIG, [other]: BASE_CREDENTIALS };
    expect(fp({ ...env, AWS_SHARED_CREDENTIALS_FILE: other }, moved)).not.toBe(base);
  });

  it('stops at a profile that supplies credentials, whatever the environment says after it', () => {
    const later = { AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/token', AWS_ROLE_ARN: 'arn:aws:iam::111111111111:role/Web', AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/x' };
    expect(fp({ ...env, ...later }, files)).toBe(base);
    expect(id({ ...env, ...later }, files).source).toBe('profile "dev"');
  });

  it('falls through a default profile without credentials and keeps it in the fingerprint', () => {
    const regionOnly = (region: string) => ({ [CONFIG]: `[default]\nregion = ${region}\n` });
    expect(id({}, regionOnly('us-east-1')).source).toMatch(/^instance metadata/);
    expect(fp({}, regionOnly('eu-west-1'))).not.toBe(fp({}, regionOnly('us-east-1')));
  });

  describe('source_profile loops', () => {
    it('does not hang or throw on a two-profile loop', () => {
      const loop = { [CONFIG]: '[profile a]\nrole_arn = arn:aws:iam::111111111111:role/A\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::111111111111:role/B\nsource_profile = a\n' };
      const result = id({ AWS_PROFILE: 'a' }, loop);
      expect(result.fingerprint).toMatch(/^[0-9a-f]{32}$/);
      expect(result.source).toBe('profile "a"');
      expect(fp({ AWS_PROFILE: 'a' }, loop)).toBe(result.fingerprint);
    });

    it('does not hang or throw on a profile that is its own source', () => {
      const self = { [CONFIG]: '[profile a]\nrole_arn = arn:aws:iam::111111111111:role/A\nsource_profile = a\n' };
      expect(() => id({ AWS_PROFILE: 'a' }, self)).not.toThrow();
      expect(fp({ AWS_PROFILE: 'a' }, self)).toMatch(/^[0-9a-f]{32}$/);
    });

    it('does not hang or throw on a three-profile loop', () => {
      const loop = { [CONFIG]: ['a', 'b', 'c'].map((p, i) => `[profile ${p}]\nrole_arn = arn:aws:iam::111111111111:role/${p}\nsource_profile = ${['b', 'c', 'a'][i]}\n`).join('') };
      expect(fp({ AWS_PROFILE: 'a' }, loop)).toMatch(/^[0-9a-f]{32}$/);
    });
  });

  // The SDK (@smithy parseIni) and the AWS CLI (Python configparser) read keys written at the same
  // indentation as ordinary keys; src/ini.ts folds every indented line after the first key into
  // that key's value, so the second key disappears.
  describe('profiles written with indented keys', () => {
    const indented = (keyId: string, secret: string) => ({ [CREDENTIALS]: `[ci]\n  aws_secret_access_key = ${secret}\n  aws_access_key_id = ${keyId}\n` });
    const keyFirst = (keyId: string, secret: string) => ({ [CREDENTIALS]: `[ci]\n  aws_access_key_id = ${keyId}\n  aws_secret_access_key = ${secret}\n` });

    it('changes the fingerprint when the access key id changes', () => {
      expect(fp({ AWS_PROFILE: 'ci' }, indented(OTHER_KEY_ID, SECRET))).not.toBe(fp({ AWS_PROFILE: 'ci' }, indented(KEY_ID, SECRET)));
    });

    it('keeps the fingerprint when the secret access key rotates', () => {
      expect(fp({ AWS_PROFILE: 'ci' }, keyFirst(KEY_ID, OTHER_SECRET))).toBe(fp({ AWS_PROFILE: 'ci' }, keyFirst(KEY_ID, SECRET)));
    });
  });
});

describe('identify: web identity', () => {
  const web: Env = { AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/secrets/eks/token', AWS_ROLE_ARN: 'arn:aws:iam::111111111111:role/Pod' };
  const base = fp(web);

  it('uses the web identity token file and role', () => {
    const result = id(web);
    expect(result.source).toMatch(/web identity/);
    expect(result.source).toContain('arn:aws:iam::111111111111:role/Pod');
  });

  it('changes the fingerprint when AWS_ROLE_ARN changes', () => {
    expect(fp({ ...web, AWS_ROLE_ARN: 'arn:aws:iam::111111111111:role/Other' })).not.toBe(base);
  });

  it('changes the fingerprint when the token file path changes', () => {
    expect(fp({ ...web, AWS_WEB_IDENTITY_TOKEN_FILE: '/other/token' })).not.toBe(base);
  });

  it('keeps the fingerprint when the token file contents change', () => {
    const path = web.AWS_WEB_IDENTITY_TOKEN_FILE!;
    expect(fp(web, { [path]: 'eyJhbGciOiJSUzI1NiJ9.one' })).toBe(fp(web, { [path]: 'eyJhbGciOiJSUzI1NiJ9.two' }));
    expect(fp(web, { [path]: 'eyJhbGciOiJSUzI1NiJ9.one' })).toBe(base);
  });

  it('never reads the token file', () => {
    const r = reader({ [web.AWS_WEB_IDENTITY_TOKEN_FILE!]: 'jwt' });
    identify({ HOME, ...web }, r.readText);
    expect(r.reads).not.toContain(web.AWS_WEB_IDENTITY_TOKEN_FILE);
  });

  it('needs both the token file and the role ARN', () => {
    expect(id({ AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/token' }).source).not.toMatch(/web identity/);
    expect(id({ AWS_ROLE_ARN: 'arn:aws:iam::111111111111:role/Pod' }).source).not.toMatch(/web identity/);
  });

  it('comes before container credentials', () => {
    expect(id({ ...web, AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/x' }).source).toMatch(/web identity/);
  });
});

describe('identify: container credentials', () => {
  it('uses AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', () => {
    const result = id({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/abc' });
    expect(result.source).toMatch(/container credentials/);
    expect(result.source).toContain('/v2/credentials/abc');
  });

  it('uses AWS_CONTAINER_CREDENTIALS_FULL_URI', () => {
    const result = id({ AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://169.254.170.23/v1/credentials' });
    expect(result.source).toMatch(/container credentials/);
  });

  it('changes the fingerprint when the relative URI changes', () => {
    expect(fp({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/abc' })).not.toBe(fp({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/def' }));
  });

  it('changes the fingerprint when the full URI changes', () => {
    expect(fp({ AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://169.254.170.23/v1/credentials' })).not.toBe(fp({ AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:9999/creds' }));
  });

  it('tells a full URI apart from the same text as a relative URI', () => {
    expect(fp({ AWS_CONTAINER_CREDENTIALS_FULL_URI: '/x' })).not.toBe(fp({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/x' }));
  });

  it('keeps the authorization token out of the fingerprint and source', () => {
    const env = { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://169.254.170.23/v1/credentials', AWS_CONTAINER_AUTHORIZATION_TOKEN: 'containerAuthTokenSECRET' };
    const result = id(env);
    expect(result.source).not.toContain('containerAuthTokenSECRET');
    expect(result.fingerprint).toBe(fp({ ...env, AWS_CONTAINER_AUTHORIZATION_TOKEN: 'rotatedAuthToken' }));
  });
});

describe('identify: instance metadata', () => {
  it('falls back to instance metadata when nothing else is configured', () => {
    expect(id({}).source).toBe('instance metadata');
  });

  it('gives the same fingerprint for the same empty environment', () => {
    expect(fp({})).toBe(fp({}));
  });

  it('changes the fingerprint when AWS_EC2_METADATA_SERVICE_ENDPOINT is set', () => {
    const endpoint = id({ AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://[fd00:ec2::254]' });
    expect(endpoint.source).toContain('http://[fd00:ec2::254]');
    expect(endpoint.fingerprint).not.toBe(fp({}));
  });

  it('reports no credential source when instance metadata is disabled', () => {
    const disabled = id({ AWS_EC2_METADATA_DISABLED: 'true' });
    expect(disabled.source).toMatch(/no credential source/);
    expect(disabled.fingerprint).not.toBe(fp({}));
  });

  it('treats AWS_EC2_METADATA_DISABLED=false as enabled', () => {
    expect(fp({ AWS_EC2_METADATA_DISABLED: 'false' })).toBe(fp({}));
  });

  it('is distinct from container credentials and environment keys', () => {
    const all = [fp({}), fp({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/x' }), fp(STATIC_ENV)];
    expect(new Set(all).size).toBe(3);
  });
});

describe('identify: fingerprint format and secrecy', () => {
  const profileFiles: Files = {
    [CONFIG]: `[profile dev]\nrole_arn = arn:aws:iam::111111111111:role/Dev\nsource_profile = base\n`,
    [CREDENTIALS]: `[base]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\naws_session_token = ${TOKEN}\n[ci]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\naws_session_token = ${TOKEN}\n`,
  };
  const scenarios: { name: string; env: Env }[] = [
    { name: 'environment keys', env: STATIC_ENV },
    { name: 'a profile with static keys', env: { ...STATIC_ENV, AWS_PROFILE: 'ci' } },
    { name: 'a role profile with a keyed source profile', env: { ...STATIC_ENV, AWS_PROFILE: 'dev' } },
    { name: 'web identity', env: { AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/token', AWS_ROLE_ARN: 'arn:aws:iam::111111111111:role/Pod', AWS_SESSION_TOKEN: TOKEN, AWS_SECRET_ACCESS_KEY: SECRET } },
    { name: 'container credentials', env: { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/x', AWS_SECRET_ACCESS_KEY: SECRET } },
    { name: 'instance metadata', env: {} },
  ];

  it.each(scenarios)('gives 32 lower-case hex characters for $name', ({ env }) => {
    expect(fp(env, profileFiles)).toMatch(/^[0-9a-f]{32}$/);
  });

  it.each(scenarios)('puts no secret key, session token or access key id in the result for $name', ({ env }) => {
    const result = id(env, profileFiles);
    for (const secret of [KEY_ID, SECRET, TOKEN]) {
      expect(result.fingerprint).not.toContain(secret);
      expect(result.source).not.toContain(secret);
    }
  });

  it('is deterministic', () => {
    expect(fp({ AWS_PROFILE: 'dev' }, profileFiles)).toBe(fp({ AWS_PROFILE: 'dev' }, profileFiles));
  });
});

describe('identify: I/O', () => {
  it('reads only the default config and credentials paths through readText', () => {
    const r = reader({ [CONFIG]: '[profile dev]\nrole_arn = arn:aws:iam::111111111111:role/Dev\nsource_profile = base\n', [CREDENTIALS]: `[base]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n` });
    identify({ HOME, AWS_PROFILE: 'dev' }, r.readText);
    expect([...new Set(r.reads)].sort()).toEqual([CONFIG, CREDENTIALS].sort());
  });

  it('reads the files named by AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE instead', () => {
    const r = reader({});
    identify({ HOME, AWS_CONFIG_FILE: '/etc/aws/config', AWS_SHARED_CREDENTIALS_FILE: '/etc/aws/credentials', AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/token', AWS_ROLE_ARN: 'arn:aws:iam::111111111111:role/Pod' }, r.readText);
    expect([...new Set(r.reads)].sort()).toEqual(['/etc/aws/config', '/etc/aws/credentials']);
  });

  it('reads nothing other than the shared files for any source', () => {
    for (const env of [{}, STATIC_ENV, { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1/creds' }, { AWS_PROFILE: 'missing' }]) {
      const r = reader({});
      identify({ HOME, ...env }, r.readText);
      for (const path of r.reads) expect([CONFIG, CREDENTIALS]).toContain(path);
    }
  });

  it('works when readText finds no files at all', () => {
    expect(() => identify({ HOME, AWS_PROFILE: 'dev' }, () => undefined)).not.toThrow();
  });
});
