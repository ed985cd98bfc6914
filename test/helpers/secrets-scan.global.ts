// globalSetup of test/vitest.config.mts: a directory where each test file's secrets scan leaves its
// figures (test/helpers/secrets-scan.setup.ts), and at the end of the run their sum, which must not
// be zero when process-level files ran: the scan cannot pass without scanning anything.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    secretsScanDir: string;
  }
}

interface FileFigures {
  file: string;
  processLevel: boolean;
  captures: number;
  logFiles: number;
  secrets: number;
  hits: string[];
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'ecr-login-secrets-scan-'));
  project.provide('secretsScanDir', dir);
  return () => {
    let text = '';
    try {
      text = readFileSync(join(dir, 'files.jsonl'), 'utf8');
    } catch {
      // no file ran
    }
    rmSync(dir, { recursive: true, force: true });
    const files = text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as FileFigures);
    const processFiles = files.filter((f) => f.processLevel);
    if (processFiles.length === 0) return;
    const sum = (key: 'captures' | 'logFiles' | 'secrets') => processFiles.reduce((n, f) => n + f[key], 0);
    const hits = processFiles.reduce((n, f) => n + f.hits.length, 0);
    const perFile = processFiles.map((f) => `${f.file.replace(/^test\//, '').replace(/\.process\.test\.ts$/, '')} ${f.captures}/${f.logFiles}/${f.secrets}`);
    console.log(`secrets scan: ${processFiles.length} process-level files, ${sum('captures')} captures, ${sum('logFiles')} log files, ${sum('secrets')} secrets (summed per file), ${hits} hits`);
    console.log(`  per file (captures/log files/secrets): ${perFile.join(', ')}`);
    if (sum('captures') === 0 || sum('logFiles') === 0 || sum('secrets') === 0) {
      throw new Error('secrets scan: the process-level suite ran but nothing was scanned (no captures, no log files or no secrets)');
    }
  };
}
