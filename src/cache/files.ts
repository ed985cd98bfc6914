// The cache on disk: one JSON file per token key in the cache dir (0700), each file 0600.
// Readers never lock: a writer replaces a file atomically (temp file, fsync, rename), so a reader
// sees either the old entry or the new one, never half of one. Synchronous, node:fs only: this
// module is on the cache-hit path.
//
// Tokens are credentials: a cache dir or entry that is a symbolic link, or that belongs to another
// user, is never read or written (whoever controls it could feed us a token or collect ours).

import { chmodSync, closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmdirSync, unlinkSync, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeAtomically } from '../atomic-file.js';
import { entryFileName, parseEntry, sameKey, type TokenEntry, type TokenKey } from './entry.js';

const ENTRY_FILE = /^token-[0-9a-f]{32}\.json$/;
const TEMP_FILE = /^token-[0-9a-f]{32}\.json\.[0-9]+\.[0-9a-f]+\.tmp$/;
/** Our uid; undefined where there are no uids (Windows), and then ownership is not checked. */
const UID = process.getuid?.();
// O_NOFOLLOW: open() itself refuses a symlink, so there is no window between a check and the open.
// O_NONBLOCK: a FIFO in an entry's place must not hang the open (no effect on regular files).
export const NO_FOLLOW = (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

export function entryPath(cacheDir: string, key: TokenKey): string {
  return join(cacheDir, entryFileName(key));
}

/** The entry for a key, or undefined when it is absent, unreadable, corrupt, of another format or not safe to use. */
export function readEntry(cacheDir: string, key: TokenKey): TokenEntry | undefined {
  if (cacheDirProblem(cacheDir)) return undefined; // the miss path says why
  const entry = readEntryFile(entryPath(cacheDir, key));
  return entry && sameKey(entry, key) ? entry : undefined;
}

/**
 * Reads one entry file. The same syscalls as readFileSync (open, fstat, read, close), but the open
 * does not follow a symlink, and the fstat also checks the owner.
 */
export function readEntryFile(path: string): TokenEntry | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | NO_FOLLOW);
  } catch {
    return undefined; // absent, a symlink (ELOOP), unreadable: a miss
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || ownerProblem(stat)) return undefined; // a directory, a FIFO, another user's file: a miss
    const buffer = Buffer.allocUnsafe(stat.size);
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, length);
      if (n === 0) break;
      length += n;
    }
    return parseEntry(buffer.toString('utf8', 0, length));
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Why the cache dir must not be used (a symlink, not a directory, another user's); undefined if absent or fine. */
export function cacheDirProblem(cacheDir: string): string | undefined {
  const stat = lstatOrUndefined(cacheDir);
  return stat && dirProblem(stat); // absent: created on the first write
}

/** Why an existing entry file must not be read or replaced (a symlink, another user's); undefined if absent or fine. */
export function entryFileProblem(path: string): string | undefined {
  const stat = lstatOrUndefined(path);
  if (!stat) return undefined;
  return stat.isSymbolicLink() ? 'it is a symbolic link' : ownerProblem(stat);
}

function dirProblem(stat: Stats): string | undefined {
  if (stat.isSymbolicLink()) return 'it is a symbolic link; set AWS_ECR_CACHE_DIR to the directory it points to';
  if (!stat.isDirectory()) return 'it is not a directory';
  return ownerProblem(stat);
}

export function ownerProblem(stat: Stats): string | undefined {
  return UID !== undefined && stat.uid !== UID ? `it is owned by uid ${stat.uid}, not by this user (uid ${UID})` : undefined;
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** Thrown when a cache dir or entry exists but must not be used; the message says why. */
export class UnsafeCacheError extends Error {
  override name = 'UnsafeCacheError';
}

/** Creates the cache dir (0700), or throws if it must not be used. */
export function ensureCacheDir(cacheDir: string): void {
  mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
  const stat = lstatSync(cacheDir);
  const problem = dirProblem(stat);
  if (problem) throw new UnsafeCacheError(problem);
  // A dir made by hand or by an older version may let others in: tokens are credentials.
  if (stat.mode & 0o077) chmodSync(cacheDir, stat.mode & 0o700);
}

/** Replaces the entry file atomically; concurrent writers of other keys touch other files. */
export function writeEntry(cacheDir: string, entry: TokenEntry): void {
  ensureCacheDir(cacheDir);
  const path = entryPath(cacheDir, entry);
  const problem = entryFileProblem(path);
  if (problem) throw new UnsafeCacheError(`${path}: ${problem}`);
  const temp = `${path}.${process.pid}.${Math.floor(Math.random() * 0xffffffff).toString(16)}.tmp`;
  writeAtomically(temp, JSON.stringify(entry), 0o600, (written) => renameAndHeal(written, path));
}

/** rename(), but an empty directory in the entry's place (nothing lost) is removed first. */
function renameAndHeal(temp: string, path: string): void {
  try {
    renameSync(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EISDIR') throw error;
    try {
      rmdirSync(path); // fails unless empty: a directory with something in it is not ours to delete
    } catch {
      throw new UnsafeCacheError(`${path} is a directory with files in it: remove it`);
    }
    renameSync(temp, path);
  }
}

export function removeFile(path: string): void {
  if (cacheDirProblem(dirname(path))) return; // erase and prune never reach through a link or into another user's dir
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/** Paths of every entry file in the cache dir (none if the dir is not safe to use). */
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
        return now - lstatSync(path).mtimeMs > olderThanMs;
      } catch {
        return false;
      }
    });
}

function fileNames(dir: string): string[] {
  if (cacheDirProblem(dir)) return [];
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
