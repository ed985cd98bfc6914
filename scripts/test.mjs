// npm test: type check, build, then every test with vitest: unit specs once, and the process-level
// suite (test/*.process.test.ts) once per artifact: the Node SEA, the npm script, the Bun executable.
// Ends with one line "vitest: N passed, N failed". `--no-build` skips the build.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ARTIFACTS = ['dist/docker-credential-ecr-login', 'dist/npm/docker-credential-ecr-login', 'dist/docker-credential-ecr-login-bun'];
const vitest = ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/vitest.config.mts'];

execFileSync('node_modules/.bin/tsc', ['--noEmit'], { stdio: 'inherit' });
if (!process.argv.includes('--no-build')) execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });

const reports = mkdtempSync(join(tmpdir(), 'ecr-login-vitest-'));
let passed = 0;
let failed = 0;
let status = 0;
const passes = [
  { name: 'unit specs', args: ['--exclude', 'test/**/*.process.test.ts'], env: {} },
  ...ARTIFACTS.map((artifact) => ({ name: `process tests: ${artifact}`, args: ['.process.test.ts'], env: { HELPER_UNDER_TEST: artifact } })),
];
for (const [i, pass] of passes.entries()) {
  if (pass.env.HELPER_UNDER_TEST && !existsSync(pass.env.HELPER_UNDER_TEST)) {
    console.error(`\n== ${pass.name}: not built, skipped`);
    continue;
  }
  console.error(`\n== ${pass.name}`);
  const report = join(reports, `${i}.json`);
  const run = spawnSync(process.execPath, [...vitest, ...pass.args, '--reporter=default', '--reporter=json', `--outputFile=${report}`], {
    stdio: 'inherit',
    env: { ...process.env, ...pass.env },
  });
  if (run.status !== 0) status = 1;
  if (existsSync(report)) {
    const result = JSON.parse(readFileSync(report, 'utf8'));
    passed += result.numPassedTests;
    failed += result.numFailedTests;
  } else {
    failed += 1;
  }
}
rmSync(reports, { recursive: true, force: true });
console.log(`vitest: ${passed} passed, ${failed} failed`);
process.exit(status);
