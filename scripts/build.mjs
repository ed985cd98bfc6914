// npm run build
//   dist/docker-credential-ecr-login               single executable (Node SEA, linux-x64, Node 24 base)
//   dist/docker-credential-ecr-login-linux-arm64   the same for linux-arm64 (no code cache: it is per CPU)
//   dist/npm/docker-credential-ecr-login           the npm package's bin: a Node >= 20 script, and
//   dist/npm/docker-credential-ecr-login-cold.cjs  the cold bundle (miss path, setup commands) beside it
//   dist/docker-credential-ecr-login-bun           `bun build --compile --bytecode` of the same sources
// Every artifact has a hot entry (the cache-hit path: node:fs/crypto only) and a cold bundle (AWS SDK,
// proper-lockfile) loaded on a miss. The build fails if the hot entry contains the SDK or
// proper-lockfile or grows past HOT_MAX_BYTES. `--no-sea` builds only the npm artifact;
// `--npm-out DIR` builds only the npm artifact, into DIR, leaving dist/ alone (for parallel work).
// (The Bun executable embeds the npm cold bundle as a file: see scripts/build-bun.ts.)
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { gzipSync } from 'node:zlib';
import { baseNode } from './sea-base.mjs';

const HOT_MAX_BYTES = 40 * 1024;
const FORBIDDEN_IN_HOT = ['@aws-sdk', '@smithy', 'proper-lockfile'];
// Built-in modules the hot entry may load (node:crypto alone costs a cache hit 5-7 ms).
const HOT_BUILTINS = new Set(['fs', 'path', 'os', 'process', 'module', 'vm']);
// Optional modules that dependencies load inside try/catch (debug's colours, Kerberos proxy auth):
// left out of the bundle, and absent at run time on purpose.
const OPTIONAL_MODULES = ['supports-color', 'kerberos'];
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const withSea = !process.argv.includes('--no-sea');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  legalComments: 'none',
  logLevel: 'warning',
  // A SEA's vm-compiled cold bundle cannot import(); the SDK has import("node:http") and the like.
  supported: { 'dynamic-import': false },
};

/** Replaces the module that loads the cold bundle: `external` for the npm script, the SEA loader for a SEA. */
function coldBundleAs(variant) {
  return {
    name: `cold-bundle-${variant}`,
    setup(b) {
      if (variant === 'npm') {
        b.onResolve({ filter: /^\.\/cold\.js$/ }, () => ({ path: './docker-credential-ecr-login-cold.cjs', external: true }));
      } else {
        b.onResolve({ filter: /^(\.\.|\.)\/load-cold\.js$/ }, (args) => ({ path: `${args.resolveDir}/${args.path.replace('load-cold.js', 'load-cold-sea.ts')}` }));
      }
    },
  };
}

async function bundleHot(outfile, variant, target) {
  const result = await build({
    ...common,
    target,
    entryPoints: ['src/main.ts'],
    outfile,
    banner: variant === 'npm' ? { js: '#!/usr/bin/env node' } : undefined,
    plugins: [coldBundleAs(variant)],
    metafile: true,
    // Less to read and parse on every cache hit; names stay, so internal errors stay readable.
    minifyWhitespace: true,
    minifySyntax: true,
  });
  const inputs = Object.keys(result.metafile.inputs);
  const leaked = inputs.filter((input) => FORBIDDEN_IN_HOT.some((name) => input.includes(name)));
  const builtins = Object.values(result.metafile.outputs)[0].imports.filter((i) => i.external && !i.path.endsWith('-cold.cjs')).map((i) => i.path.replace(/^node:/, ''));
  const slow = [...new Set(builtins)].filter((name) => !HOT_BUILTINS.has(name));
  if (slow.length > 0) throw new Error(`the hot entry ${outfile} must not load ${slow.join(', ')}`);
  const bytes = statSync(outfile).size;
  if (leaked.length > 0) throw new Error(`the hot entry ${outfile} must not contain ${leaked.join(', ')}`);
  if (bytes > HOT_MAX_BYTES) throw new Error(`the hot entry ${outfile} is ${bytes} bytes, over the ${HOT_MAX_BYTES}-byte budget`);
  return { bytes, modules: inputs.length };
}

async function bundleCold(outfile, target) {
  const result = await build({ ...common, target, entryPoints: ['src/cold.ts'], outfile, minifyWhitespace: true, minifySyntax: true, metafile: true, external: OPTIONAL_MODULES });
  // In a SEA, require() only knows built-in modules: everything else must be inside the bundle.
  const external = Object.values(result.metafile.outputs)[0].imports.filter((i) => i.external && !builtinModules.includes(i.path.replace(/^node:/, '')) && !OPTIONAL_MODULES.includes(i.path));
  if (external.length > 0) throw new Error(`the cold bundle requires non-built-in modules: ${[...new Set(external.map((i) => i.path))].join(', ')}`);
  return statSync(outfile).size;
}

async function buildSea({ arch, outfile, hostNode }) {
  const dir = `dist/sea-${arch}`;
  mkdirSync(dir, { recursive: true });
  const hot = await bundleHot(`${dir}/hot.cjs`, 'sea', 'node24');
  const coldBytes = await bundleCold(`${dir}/cold.cjs`, 'node24');
  const native = arch === 'x64' && process.arch === 'x64';
  const assets = { 'cold.cjs': `${dir}/cold.cjs` };
  if (native) {
    // A V8 code cache of the cold bundle, made by the very binary that will run it, after one miss.
    execFileSync(hostNode, ['scripts/sea-code-cache.cjs', `${dir}/cold.cjs`, `${dir}/cold.cache`], { stdio: 'inherit' });
    assets['cold.cache'] = `${dir}/cold.cache`;
  }
  const config = {
    main: `${dir}/hot.cjs`,
    output: `${dir}/sea.blob`,
    disableExperimentalSEAWarning: true,
    useSnapshot: false,
    useCodeCache: native, // the main script's code cache is CPU-specific too
    execArgvExtension: 'none', // ignore the user's NODE_OPTIONS
    assets,
  };
  writeFileSync(`${dir}/sea-config.json`, JSON.stringify(config, null, 2));
  execFileSync(hostNode, ['--experimental-sea-config', `${dir}/sea-config.json`], { stdio: 'inherit' });

  const base = await baseNode(arch);
  copyFileSync(base, outfile);
  chmodSync(outfile, 0o755);
  stripBinary(outfile, arch); // only before injection: stripping afterwards removes the blob
  // (postject warns about every section name of a stripped binary; show its output only if it fails.)
  execFileSync(process.execPath, ['node_modules/postject/dist/cli.js', outfile, 'NODE_SEA_BLOB', `${dir}/sea.blob`, '--sentinel-fuse', SEA_FUSE], { stdio: 'pipe' });
  const bytes = statSync(outfile).size;
  const gzipped = gzipSync(readFileSync(outfile), { level: 6 }).length;
  return { outfile, hot, coldBytes, bytes, gzipped };
}

function stripBinary(file, arch) {
  const tool = arch === process.arch ? 'strip' : `${arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu-strip`;
  try {
    execFileSync(tool, [file], { stdio: 'ignore' });
  } catch {
    console.error(`(${tool} not available: ${file} left unstripped)`);
  }
}

const npmOut = process.argv.includes('--npm-out') ? process.argv[process.argv.indexOf('--npm-out') + 1] : undefined;
if (npmOut === undefined) rmSync('dist', { recursive: true, force: true });
const npmDir = npmOut ?? 'dist/npm';
mkdirSync(npmDir, { recursive: true });
const npmHot = await bundleHot(`${npmDir}/docker-credential-ecr-login`, 'npm', 'node20');
const npmCold = await bundleCold(`${npmDir}/docker-credential-ecr-login-cold.cjs`, 'node20');
chmodSync(`${npmDir}/docker-credential-ecr-login`, 0o755);
console.error(`built ${npmDir}/docker-credential-ecr-login (hot ${npmHot.bytes} bytes, ${npmHot.modules} modules; cold ${npmCold} bytes)`);
if (npmOut !== undefined) process.exit(0);

if (withSea) {
  const hostNode = await baseNode(process.arch);
  for (const [arch, outfile] of [
    ['x64', 'dist/docker-credential-ecr-login'],
    ['arm64', 'dist/docker-credential-ecr-login-linux-arm64'],
  ]) {
    const sea = await buildSea({ arch, outfile, hostNode });
    const mib = (n) => (n / 1024 / 1024).toFixed(1);
    console.error(`built ${outfile} (linux-${arch} SEA: ${mib(sea.bytes)} MiB, ${mib(sea.gzipped)} MiB gzipped; hot ${sea.hot.bytes} bytes, cold ${sea.coldBytes} bytes)`);
  }
  const bun = 'dist/docker-credential-ecr-login-bun';
  execFileSync('node_modules/bun/bin/bun.exe', ['scripts/build-bun.ts'], { stdio: 'inherit' });
  console.error(`built ${bun} (Bun ${execFileSync('node_modules/bun/bin/bun.exe', ['--version']).toString().trim()}: ${(statSync(bun).size / 1024 / 1024).toFixed(1)} MiB, ${(gzipSync(readFileSync(bun), { level: 6 }).length / 1024 / 1024).toFixed(1)} MiB gzipped)`);
}
