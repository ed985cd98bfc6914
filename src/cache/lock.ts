// Cross-process locks for cache entries (proper-lockfile). Cold path only: a cache hit never locks.
//
// Single flight: a process that finds the lock taken does not queue behind it; it re-reads the
// cache between attempts and leaves as soon as the holder has written what it needs. A holder that
// crashed stops refreshing its lock's mtime, and the lock is taken over once it is LOCK_STALE_MS old.

import { rmdirSync, statSync } from 'node:fs';
import lockfile from 'proper-lockfile';
import { log } from '../log.js';

/**
 * A lock not re-stamped for this long belongs to a dead process and is taken over. proper-lockfile
 * stamps a new lock up to 1 s ahead (probing the filesystem's mtime precision), then every
 * LOCK_STALE_MS / 2: a holder killed at once is taken over 5-6 s after it locked (test faults.process).
 */
export const LOCK_STALE_MS = 5_000;

export class LockTimeoutError extends Error {
  constructor(readonly path: string) {
    super(`timed out waiting for the cache lock ${path}.lock`);
    this.name = 'LockTimeoutError';
  }
}

/**
 * Runs `critical` holding the lock of `path`. While another process holds it, `peek` is tried
 * between attempts; a value from it is returned without taking the lock. `deadline` is on the
 * performance.now() clock.
 */
export async function underLock<T>(path: string, deadline: number, peek: () => T | undefined, critical: () => Promise<T>): Promise<T> {
  for (;;) {
    const release = await tryLock(path);
    if (release) {
      try {
        return await critical();
      } finally {
        await release().catch(() => undefined);
      }
    }
    const ready = peek();
    if (ready !== undefined) return ready;
    const left = deadline - performance.now();
    if (left <= 0) throw new LockTimeoutError(path);
    await sleep(Math.min(left, 15 + Math.random() * 45));
  }
}

/** Takes the lock if it is free; undefined if another live process holds it. */
export async function tryLock(path: string): Promise<(() => Promise<void>) | undefined> {
  removeIfFromTheFuture(`${path}.lock`);
  try {
    return await lockfile.lock(path, {
      realpath: false, // the entry file may not exist yet
      stale: LOCK_STALE_MS,
      retries: 0,
      // Our writes are atomic renames, so a lost lock can at worst cost one extra ECR call.
      onCompromised: (error) => log.warn(`cache lock ${path}.lock was taken over: ${error.message}`),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') return undefined;
    throw error;
  }
}

/**
 * proper-lockfile takes a lock over once its mtime is LOCK_STALE_MS in the past. The lock of a holder
 * that died before the clock was set back would look alive until the clock caught up (hours, or
 * AWS_ECR_TIMEOUT for every get until then), so one stamped more than LOCK_STALE_MS ahead is stale
 * too. A live holder re-stamps its lock with the current clock every LOCK_STALE_MS / 2; taking one
 * over in that window costs at most one extra ECR call (writes are atomic renames).
 */
function removeIfFromTheFuture(lockPath: string): void {
  try {
    if (statSync(lockPath).mtimeMs > Date.now() + LOCK_STALE_MS) rmdirSync(lockPath);
  } catch {
    // no lock (the usual case), or another process removed it first
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
