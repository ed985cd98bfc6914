// What every command is given: the environment, the helper's settings and a file reader.

import { readFileSync } from 'node:fs';
import type { Settings } from '../config.js';
import type { ReadText } from '../identity.js';
import { parseRules, type Rule } from '../rules.js';

export interface Context {
  env: Record<string, string | undefined>;
  settings: Settings;
  readText: ReadText;
  /** The config file's rules; none when there is no file. */
  rules: readonly Rule[];
}

/** The rules of the config file; a missing file has none, a malformed one is an error. */
export function readRules(settings: Settings, readText: ReadText): Rule[] {
  const text = readText(settings.configFile);
  return text === undefined ? [] : parseRules(text, settings.configFile).rules;
}

/** Reads a text file; undefined if it does not exist or cannot be read. */
export const readTextFile: ReadText = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};
