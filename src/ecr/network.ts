// Network settings that the AWS CLI and the Go helper honour and the JS SDK does not by itself:
// HTTPS_PROXY / HTTP_PROXY / NO_PROXY (either case) and AWS_CA_BUNDLE. Applied to every AWS call
// the helper makes (ECR, ECR Public, and STS/SSO inside the credential chain); instance metadata
// and container credentials are link-local or loopback and stay direct, as in the SDK.

import { readFileSync } from 'node:fs';
import type { AgentOptions, ClientRequest } from 'node:http';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { Agent, type AgentConnectOpts } from 'agent-base';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { getProxyForUrl } from 'proxy-from-env';
import { HelperError } from '../protocol.js';

type Env = Record<string, string | undefined>;

/** The SDK's NodeHttpHandler options: timeouts, and agents that follow the proxy variables. */
export function requestHandlerOptions(env: Env, timeouts: { connectionTimeout: number; requestTimeout: number }) {
  const agent = new EnvProxyAgent(caBundle(env));
  return { ...timeouts, httpAgent: agent as unknown as HttpAgent, httpsAgent: agent as unknown as HttpsAgent };
}

/** AWS_CA_BUNDLE, like the AWS CLI: the certificates to trust instead of the built-in ones. */
function caBundle(env: Env): Buffer | undefined {
  const path = env.AWS_CA_BUNDLE;
  if (!path) return undefined;
  try {
    return readFileSync(path);
  } catch (error) {
    throw new HelperError(`cannot read AWS_CA_BUNDLE ${path} (${(error as NodeJS.ErrnoException).code ?? error}); fix the path or unset it`);
  }
}

/** Per request: a proxy agent when the proxy variables say so for that URL, else a direct one. */
class EnvProxyAgent extends Agent {
  private readonly direct: { http: HttpAgent; https: HttpsAgent };
  private readonly viaProxy = new Map<string, HttpAgent>();

  constructor(private readonly ca: Buffer | undefined) {
    // Agent options reach the delegate's connect options: that is how the tunnelled TLS gets `ca`.
    super((ca ? { ca } : {}) as AgentOptions); // (http.AgentOptions does not list the TLS options it carries)
    this.direct = { http: new HttpAgent(), https: new HttpsAgent(ca ? { ca } : {}) };
  }

  override connect(_req: ClientRequest, options: AgentConnectOpts): HttpAgent {
    const secure = options.secureEndpoint;
    const proxy = getProxyForUrl(`${secure ? 'https' : 'http'}://${options.host}:${options.port}`);
    if (!proxy) return secure ? this.direct.https : this.direct.http;
    const key = `${secure}|${proxy}`;
    let agent = this.viaProxy.get(key);
    if (!agent) {
      agent = secure ? new HttpsProxyAgent(proxy) : new HttpProxyAgent(proxy);
      this.viaProxy.set(key, agent);
    }
    return agent;
  }
}
