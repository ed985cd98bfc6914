// Builds dist/docker-credential-ecr-login (the hot entry, a Node script) and the cold bundle beside
// it, which the hot entry loads only on a cache miss. Fails if the hot entry would contain the AWS
// SDK or proper-lockfile, or grows past HOT_MAX_BYTES.
import { build } from 'esbuild';
import { chmodSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const HOT = 'dist/docker-credential-ecr-login';
const COLD = 'dist/docker-credential-ecr-login-cold.cjs';
const HOT_MAX_BYTES = 40 * 1024;
const FORBIDDEN_IN_HOT = ['@aws-sdk', '@smithy', 'proper-lockfile'];

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', legalComments: 'none', logLevel: 'warning' };

// The hot entry imports '../miss.js' lazily; in the bundle that import becomes a require of the
// cold bundle file next to it, so none of the cold code is parsed on a cache hit.
const coldAsExternal = {
  name: 'cold-as-external',
  setup(b) {
    b.onResolve({ filter: /\/miss\.js$/ }, () => ({ path: './docker-credential-ecr-login-cold.cjs', external: true }));
  },
};

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist');
const hot = await build({
  ...common,
  entryPoints: ['src/main.ts'],
  outfile: HOT,
  banner: { js: '#!/usr/bin/env node' },
  supported: { 'dynamic-import': false },
  plugins: [coldAsExternal],
  metafile: true,
});
await build({ ...common, entryPoints: ['src/miss.ts'], outfile: COLD, minifyWhitespace: true, minifySyntax: true });
chmodSync(HOT, 0o755);

const hotInputs = Object.keys(hot.metafile.inputs);
const leaked = hotInputs.filter((input) => FORBIDDEN_IN_HOT.some((name) => input.includes(name)));
const hotBytes = readFileSync(HOT).length;
if (leaked.length > 0) throw new Error(`the hot entry must not contain ${leaked.join(', ')}`);
if (hotBytes > HOT_MAX_BYTES) throw new Error(`the hot entry is ${hotBytes} bytes, over the ${HOT_MAX_BYTES}-byte budget`);
console.error(`built ${HOT} (${hotBytes} bytes, ${hotInputs.length} modules) and ${COLD} (${readFileSync(COLD).length} bytes)`);
