// npm test: type check, build, then every test with vitest: unit specs once, and the process-level
// suite (test/*.process.test.ts) once per artifact: the Node SEA, the npm script, the Bun executable.
// The linux-arm64 executable runs the protocol suite under qemu-user when it is installed.
// Ends with one line "vitest: N passed, N failed". `--no-build` skips the build.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ARTIFACTS = ['dist/docker-credential-ecr-login', 'dist/npm/docker-credential-ecr-login', 'dist/docker-credential-ecr-login-bun'];
const vitest = ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/vitest.config.mts'];

execFileSync('node_modules/.bin/tsc', ['--noEmit'], { stdio: 'inherit' });
if (!process.argv.includes('--no-build')) execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });

let passed = 0;
let failed = 0;
let status = 0;
const reports = mkdtempSync(join(tmpdir(), 'ecr-login-vitest-'));
const passes = [
  { name: 'unit specs', args: ['--exclude', 'test/**/*.process.test.ts'], env: {} },
  ...ARTIFACTS.map((artifact) => ({ name: `process tests: ${artifact}`, args: ['.process.test.ts'], env: { HELPER_UNDER_TEST: artifact } })),
];
const ARM64 = 'dist/docker-credential-ecr-login-linux-arm64';
const ARM64_SYSROOT = '/usr/aarch64-linux-gnu';
if (existsSync(ARM64) && existsSync(ARM64_SYSROOT) && spawnSync('qemu-aarch64', ['--version']).status === 0) {
  const wrapper = join(reports, 'docker-credential-ecr-login-arm64-under-qemu');
  writeFileSync(wrapper, `#!/bin/sh\nexec qemu-aarch64 -L ${ARM64_SYSROOT} ${join(process.cwd(), ARM64)} "$@"\n`);
  chmodSync(wrapper, 0o755);
  passes.push({ name: `protocol tests: ${ARM64} under qemu-aarch64`, args: ['protocol.process.test.ts'], env: { HELPER_UNDER_TEST: wrapper } });
} else {
  console.error(`(${ARM64} not run: needs qemu-user and ${ARM64_SYSROOT}, installed by .ci/run)`);
}
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
