// The cache on disk: one JSON file per token key in the cache dir (0700), each file 0600.
// Readers never lock: a writer replaces a file atomically (temp file, fsync, rename), so a reader
// sees either the old entry or the new one, never half of one. Synchronous, node:fs only: this
// module is on the cache-hit path.

import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { entryFileName, parseEntry, sameKey, type TokenEntry, type TokenKey } from './entry.js';

const ENTRY_FILE = /^token-[0-9a-f]{32}\.json$/;
const TEMP_FILE = /^token-[0-9a-f]{32}\.json\.[0-9]+\.[0-9a-f]+\.tmp$/;

export function entryPath(cacheDir: string, key: TokenKey): string {
  return join(cacheDir, entryFileName(key));
}

/** The entry for a key, or undefined when it is absent, unreadable, corrupt or of another format. */
export function readEntry(cacheDir: string, key: TokenKey): TokenEntry | undefined {
  const entry = readEntryFile(entryPath(cacheDir, key));
  return entry && sameKey(entry, key) ? entry : undefined;
}

export function readEntryFile(path: string): TokenEntry | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined; // absent, a directory, unreadable: a miss
  }
  return parseEntry(text);
}

export function ensureCacheDir(cacheDir: string): void {
  mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
}

/** Replaces the entry file atomically; concurrent writers of other keys touch other files. */
export function writeEntry(cacheDir: string, entry: TokenEntry): void {
  ensureCacheDir(cacheDir);
  const path = entryPath(cacheDir, entry);
  const temp = `${path}.${process.pid}.${Math.floor(Math.random() * 0xffffffff).toString(16)}.tmp`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, JSON.stringify(entry));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temp, path);
  } catch (error) {
    removeFile(temp);
    throw error;
  }
}

export function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/** Paths of every entry file in the cache dir. */
export function entryFiles(cacheDir: string): string[] {
  return fileNames(cacheDir)
    .filter((name) => ENTRY_FILE.test(name))
    .map((name) => join(cacheDir, name));
}

/** Temp files left behind by writers that died before their rename, older than `olderThanMs`. */
export function orphanTempFiles(cacheDir: string, now: number, olderThanMs: number): string[] {
  return fileNames(cacheDir)
    .filter((name) => TEMP_FILE.test(name))
    .map((name) => join(cacheDir, name))
    .filter((path) => {
      try {
        return now - statSync(path).mtimeMs > olderThanMs;
      } catch {
        return false;
      }
    });
}

function fileNames(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
