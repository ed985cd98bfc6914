// What every command is given: the environment, the helper's settings and a file reader.

import { readFileSync } from 'node:fs';
import type { Settings } from '../config.js';
import type { ReadText } from '../identity.js';

export interface Context {
  env: Record<string, string | undefined>;
  settings: Settings;
  readText: ReadText;
}

/** Reads a text file; undefined if it does not exist or cannot be read. */
export const readTextFile: ReadText = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};
