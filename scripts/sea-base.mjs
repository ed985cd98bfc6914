// The pinned Node 24 base binaries for the single executables, from the npm registry (the
// node-linux-<arch> packages repackage the official builds). Fetched once with `npm pack`, checked
// against the pinned integrity, and kept in node_modules/.cache.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const BASE_VERSION = '24.21.0';
const INTEGRITY = {
  x64: 'sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q==',
  arm64: 'sha512-FpJRPEz2OvvTLfjIOlNGFY9JLPMKgl5m+d4oGYBLg24kJ1mmvN1Zl/HPJgF4HDaJ51ISev1l1cRZ/DM+keXW5g==',
};

/** Path of the Node 24 binary for `arch` ('x64' or 'arm64'), fetching it on first use. */
export async function baseNode(arch) {
  const integrity = INTEGRITY[arch];
  if (!integrity) throw new Error(`no pinned Node base binary for ${arch}`);
  const dir = join('node_modules', '.cache', 'sea-base', `node-linux-${arch}-${BASE_VERSION}`);
  const binary = join(dir, 'node');
  if (existsSync(binary)) return binary;

  mkdirSync(dir, { recursive: true });
  const spec = `node-linux-${arch}@${BASE_VERSION}`;
  console.error(`fetching ${spec} from the npm registry (once)`);
  execFileSync('npm', ['pack', spec, '--pack-destination', dir, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const tarball = join(dir, `node-linux-${arch}-${BASE_VERSION}.tgz`);
  const actual = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  if (actual !== integrity) throw new Error(`${spec}: integrity ${actual} does not match the pinned ${integrity}`);
  execFileSync('tar', ['-xzf', tarball, '-C', dir, 'package/bin/node']);
  renameSync(join(dir, 'package', 'bin', 'node'), binary);
  rmSync(join(dir, 'package'), { recursive: true, force: true });
  rmSync(tarball);
  return binary;
}
