// For unit specs that run the real AWS SDK in the test process (endpoint selection, signing region):
// static fake keys, and nothing from the developer's machine (endpoint overrides, FIPS/dual-stack
// switches, profiles, config files) may steer it.

import { afterEach, beforeEach, vi } from 'vitest';

export const SDK_ENV = { AWS_ACCESS_KEY_ID: 'AKIAFAKETESTKEY00009', AWS_SECRET_ACCESS_KEY: 'fake-secret', AWS_EC2_METADATA_DISABLED: 'true' };

export function useIsolatedSdkEnv(): void {
  beforeEach(() => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined); // the SDK's Node 20 support notice
    for (const [name, value] of Object.entries(SDK_ENV)) vi.stubEnv(name, value);
    for (const name of ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_ECR', 'AWS_ENDPOINT_URL_ECR_PUBLIC', 'AWS_USE_FIPS_ENDPOINT', 'AWS_USE_DUALSTACK_ENDPOINT', 'AWS_PROFILE']) vi.stubEnv(name, undefined);
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/config');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/credentials');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });
}
