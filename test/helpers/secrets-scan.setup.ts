// Runs after every test file (setupFiles in test/vitest.config.mts): the secrets scan of
// test/helpers/secrets-scan.ts over everything the file's helper processes printed and logged.

import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, inject } from 'vitest';
import { scan } from './secrets-scan.js';

afterAll(({}, suite) => {
  const file = suite.file;
  const result = scan();
  const processLevel = file.name.endsWith('.process.test.ts');
  appendFileSync(join(inject('secretsScanDir'), 'files.jsonl'), `${JSON.stringify({ file: file.name, processLevel, ...result })}\n`);
  if (result.hits.length > 0) {
    throw new Error(`secrets scan of ${file.name}: ${result.hits.length} secret(s) found (the secrets are not shown):\n  ${result.hits.join('\n  ')}`);
  }
  // Not vacuous: a file that ran helpers scanned their output, knew secrets to look for, and found logs.
  if (result.captures > 0) {
    expect(result.secrets, `secrets known to the scan of ${file.name}`).toBeGreaterThan(0);
  }
});
