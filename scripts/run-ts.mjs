// Runs a TypeScript script (the demo, the benchmark) by bundling it with esbuild first.
// Node 20 cannot run TypeScript itself; the SDK and test fakes stay external node_modules imports.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [script, ...args] = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'ecr-login-script-'));
const outfile = join(dir, 'script.mjs');
await build({ entryPoints: [script], outfile, bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'warning', absWorkingDir: process.cwd(), banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" } });
const result = spawnSync(process.execPath, [outfile, ...args], { stdio: 'inherit', env: { ...process.env, NODE_PATH: join(process.cwd(), 'node_modules') } });
rmSync(dir, { recursive: true, force: true });
process.exit(result.status ?? 1);
