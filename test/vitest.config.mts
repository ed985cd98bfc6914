import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Process-level tests spawn many helpers; two cores are shared between files.
    fileParallelism: false,
    // The secrets scan: after each file, every helper output and log searched for every secret issued.
    setupFiles: ['test/helpers/secrets-scan.setup.ts'],
    globalSetup: ['test/helpers/secrets-scan.global.ts'],
  },
});
