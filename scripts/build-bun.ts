// Run by scripts/build.mjs with Bun: dist/docker-credential-ecr-login-bun, `bun build --compile
// --bytecode` of the same sources, with the miss path (built first, as the npm cold bundle) embedded
// as a file and loaded only on a cache miss.
import { dirname, resolve } from 'node:path';

declare const Bun: { build(options: unknown): Promise<{ success: boolean; logs: unknown[] }> };

const result = await Bun.build({
  entrypoints: ['./src/main.ts'],
  compile: { outfile: './dist/docker-credential-ecr-login-bun', target: `bun-linux-${process.arch}` },
  bytecode: true,
  minify: true,
  plugins: [
    {
      name: 'miss-path-embedded',
      setup(b: { onResolve(options: { filter: RegExp }, callback: (args: { path: string; importer: string }) => { path: string }): void }) {
        b.onResolve({ filter: /^(\.\.|\.)\/load-cold\.js$/ }, (args) => ({ path: resolve(dirname(args.importer), args.path.replace('load-cold.js', 'load-cold-bun.ts')) }));
      },
    },
  ],
});
if (!result.success) {
  console.error(result.logs);
  process.exit(1);
}
