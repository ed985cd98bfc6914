// Replacing a file so that a reader sees the old content or the new, never half of it: a temp file
// beside it, created exclusively (never through an existing file or symlink), written and fsynced,
// then renamed into place by `commit`. Shared by the token cache and `configure`.

import { closeSync, fsyncSync, openSync, unlinkSync, writeSync } from 'node:fs';

export function writeAtomically(temp: string, text: string, mode: number, commit: (temp: string) => void): void {
  const fd = openSync(temp, 'wx', mode);
  try {
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    commit(temp);
  } catch (error) {
    try {
      unlinkSync(temp); // ours (created above), and not renamed: never left behind
    } catch {
      // already renamed away
    }
    throw error;
  }
}
