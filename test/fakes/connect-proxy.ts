// An HTTPS (CONNECT) proxy on 127.0.0.1 that terminates TLS itself with a test CA's certificate and
// hands the decrypted connection to a fake AWS server. Plain-HTTP requests for a loopback URL are
// forwarded to that URL's port on 127.0.0.1. A client configured with HTTPS_PROXY and
// trusting the test CA then talks to the fake under the real AWS hostname, and nothing leaves the
// machine: the client never resolves the name, the proxy never connects anywhere.

import { createServer, request, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { TestCa } from './test-ca.js';
import { closeServer, listenOnLoopback } from './loopback.js';

export class ConnectProxy {
  /** host:port of every CONNECT request, in order. */
  readonly tunnels: string[] = [];
  /** Absolute URLs of plain-HTTP requests forwarded to the upstream (HTTP_PROXY). */
  readonly forwarded: string[] = [];
  private server: Server | undefined;

  constructor(
    private readonly ca: TestCa,
    private readonly upstream: { acceptConnection(socket: Socket): void },
  ) {}

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    // Plain HTTP through the proxy (absolute-form request line): answered by the upstream too.
    this.server = createServer((req, res) => {
      this.forwarded.push(req.url ?? '');
      const target = new URL(req.url ?? '/');
      const upstream = request({ host: '127.0.0.1', port: Number(target.port), path: target.pathname, method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(upstream);
    });
    this.server.on('connect', (req, client: Socket) => {
      this.tunnels.push(req.url ?? '');
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      const tls = new TLSSocket(client, { isServer: true, key: this.ca.serverKeyPem, cert: this.ca.serverCertPem });
      tls.on('error', () => client.destroy());
      this.upstream.acceptConnection(tls);
    });
    await listenOnLoopback(this.server);
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await closeServer(server);
  }
}
