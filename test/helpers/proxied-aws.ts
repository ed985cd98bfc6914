// The fake ECR under the real AWS API host names: a CONNECT proxy on loopback terminates TLS with a
// private test CA (trusted through AWS_CA_BUNDLE) and hands the requests to the fake, so the helper
// talks to the hostnames the SDK derives and nothing leaves the machine. The proxy records every
// tunnel it was asked for.

import { ConnectProxy } from '../fakes/connect-proxy.js';
import { FakeEcr } from '../fakes/ecr.js';
import { createTestCa, type TestCa } from '../fakes/test-ca.js';
import type { Env, Sandbox } from './helper-process.js';

export class ProxiedAws {
  private constructor(
    readonly fake: FakeEcr,
    readonly ca: TestCa,
    readonly proxy: ConnectProxy,
  ) {}

  /** `apiHosts`: the names the test CA issues certificates for. */
  static async start(apiHosts: readonly string[]): Promise<ProxiedAws> {
    const fake = await new FakeEcr().start();
    const ca = createTestCa([...apiHosts]);
    return new ProxiedAws(fake, ca, await new ConnectProxy(ca, fake).start());
  }

  /** A fresh fake and empty proxy records, for the next test. */
  reset(): void {
    this.fake.reset();
    this.proxy.tunnels.length = 0;
    this.proxy.forwarded.length = 0;
  }

  /** The sandbox's environment with the real AWS endpoints (no AWS_ENDPOINT_URL_*), reachable only through the proxy. */
  env(box: Sandbox, extra: Env = {}): Env {
    return { ...box.env(this.fake.url), AWS_ENDPOINT_URL_ECR: undefined, AWS_ENDPOINT_URL_ECR_PUBLIC: undefined, HTTPS_PROXY: this.proxy.url, AWS_CA_BUNDLE: this.ca.caCertFile, ...extra };
  }

  async stop(): Promise<void> {
    await this.proxy.stop();
    await this.fake.stop();
    this.ca.remove();
  }
}
