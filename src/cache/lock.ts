// Cross-process locks for cache entries (proper-lockfile). Cold path only: a cache hit never locks.
//
// Single flight: a process that finds the lock taken does not queue behind it; it re-reads the
// cache between attempts and leaves as soon as the holder has written what it needs. A holder that
// crashed stops refreshing its lock's mtime, and the lock is taken over once it is LOCK_STALE_MS old.

import lockfile from 'proper-lockfile';
import { log } from '../log.js';

/** A lock not refreshed for this long belongs to a dead process and is taken over. */
export const LOCK_STALE_MS = 5_000;

export class LockTimeoutError extends Error {
  constructor(readonly path: string) {
    super(`timed out waiting for the cache lock ${path}.lock`);
    this.name = 'LockTimeoutError';
  }
}

/**
 * Runs `critical` holding the lock of `path`. While another process holds it, `peek` is tried
 * between attempts; a value from it is returned without taking the lock.
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
    const left = deadline - Date.now();
    if (left <= 0) throw new LockTimeoutError(path);
    await sleep(Math.min(left, 15 + Math.random() * 45));
  }
}

/** Takes the lock if it is free; undefined if another live process holds it. */
export async function tryLock(path: string): Promise<(() => Promise<void>) | undefined> {
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
