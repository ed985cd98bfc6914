// Runs a TypeScript script (the demo, the benchmark) by bundling it with esbuild first.
// Node 20 cannot run TypeScript itself; packages stay external imports from node_modules.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const [script, ...args] = process.argv.slice(2);
// Inside the project, so that the bundle's imports of packages resolve from node_modules.
mkdirSync('node_modules/.cache', { recursive: true });
const dir = mkdtempSync(join('node_modules', '.cache', 'run-ts-'));
const outfile = join(dir, 'script.mjs');
await build({ entryPoints: [script], outfile, bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'warning', absWorkingDir: process.cwd(), banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" } });
const result = spawnSync(process.execPath, [outfile, ...args], { stdio: 'inherit' });
rmSync(dir, { recursive: true, force: true });
process.exit(result.status ?? 1);
