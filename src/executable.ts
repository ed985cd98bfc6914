// Where this executable is, and what PATH finds under its name: Docker runs
// `docker-credential-<suffix>` from PATH, so a helper that is not there is never asked.

import { accessSync, constants, existsSync, realpathSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { NAME } from './protocol.js';

/** This executable: the script for the npm package, the binary for a single executable. */
export function selfPath(): string {
  // The npm bin runs as `node <script>`. A Node SEA's argv[1] is the binary itself; a Bun
  // executable's is a path inside its embedded file system (/$bunfs/...), which existsSync accepts.
  const script = process.argv[1];
  const isScript = script !== undefined && !process.versions.bun && existsSync(script);
  return realpathOrSelf(isScript ? script : process.execPath);
}

/** The first executable file named `name` on PATH, as a shell would find it. */
export function findOnPath(name: string, pathVariable: string | undefined): string | undefined {
  for (const dir of (pathVariable ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      if (statSync(candidate).isFile()) {
        accessSync(candidate, constants.X_OK);
        return candidate;
      }
    } catch {
      // not here, or not executable: keep looking
    }
  }
  return undefined;
}

export type PathVerdict = { kind: 'self' | 'other'; found: string } | { kind: 'missing' };

/** Whether PATH finds this very executable under the name Docker runs. */
export function pathVerdict(env: Record<string, string | undefined>): PathVerdict {
  const found = findOnPath(NAME, env.PATH);
  if (found === undefined) return { kind: 'missing' };
  return { kind: realpathOrSelf(found) === selfPath() ? 'self' : 'other', found };
}

function realpathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
