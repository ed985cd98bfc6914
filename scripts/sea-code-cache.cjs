// Makes the V8 code cache of the cold bundle for a Node SEA, run by the SEA's own base binary:
//   node sea-code-cache.cjs <cold.cjs> <out.cache>
// The cache holds the functions compiled so far, so the bundle first does one real miss: a token
// fetched through the AWS SDK from a canned loopback server, written to a throwaway cache dir under
// a lock. A real miss then starts with all of that compiled.
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');

const [coldFile, cacheFile] = process.argv.slice(2);
// Must match wrapCommonJs in src/run-cold-bundle.ts, or V8 rejects the cache (a slower miss, not a failure).
const wrapCommonJs = (source) => `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
const script = new vm.Script(wrapCommonJs(fs.readFileSync(coldFile, 'utf8')), { filename: 'cold.cjs' });
const module_ = { exports: {} };
script.runInThisContext()(module_.exports, require, module_, 'cold.cjs', '.');

const token = Buffer.from('AWS:code-cache-warm-up').toString('base64');
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(`{"authorizationData":[{"authorizationToken":"${token}","expiresAt":${Math.floor(Date.now() / 1000) + 43200}}]}`);
  });
});
server.listen(0, '127.0.0.1', async () => {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-login-warm-'));
  const env = { AWS_ENDPOINT_URL_ECR: `http://127.0.0.1:${server.address().port}`, AWS_ACCESS_KEY_ID: 'AKIAWARMUP0000000000', AWS_SECRET_ACCESS_KEY: 'warm-up', AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' };
  Object.assign(process.env, env);
  const key = { identity: '0'.repeat(32), service: 'private', partition: 'aws', region: 'us-west-2', fips: false, dualStack: false };
  const registry = { ...key, host: '123456789012.dkr.ecr.us-west-2.amazonaws.com', account: '123456789012' };
  const settings = { cacheDir, cacheDisabled: false, refreshFraction: 0.5, logLevel: 'error', timeoutMs: 10000, ignoreCredsStorage: false };
  try {
    await module_.exports.obtainToken({ serverURL: registry.host, registry, identity: { fingerprint: key.identity, source: 'warm-up' }, key, settings, env, deadline: performance.now() + 10000 });
    fs.writeFileSync(cacheFile, script.createCachedData());
  } finally {
    server.close();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
});
