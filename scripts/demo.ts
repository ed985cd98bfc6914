// npm run demo: the helper against a fake ECR on loopback, for someone without AWS.
// Shows a cold get, a warm get, and 16 parallel gets on an empty cache with the fake's call count.

import { FakeEcr } from '../test/fakes/ecr.js';
import { NPM_SCRIPT, runHelper as runWith, Sandbox, type Env } from '../test/helpers/helper-process.js';

// The npm build (`npm run demo` builds only that, in a second); `npm run build` makes the executables.
const HELPER = NPM_SCRIPT;
const runHelper = (args: string[], stdin: string, env: Env) => runWith(args, stdin, env, HELPER);

const HOST = '123456789012.dkr.ecr.us-west-2.amazonaws.com';
const fake = await new FakeEcr().start();
const box = new Sandbox();
const env = box.env(fake.url);
const mask = (stdout: string) => stdout.trim().replace(/"Secret":"(.{18})[^"]*"/, '"Secret":"$1…"');

try {
  console.log(`fake ECR listening on ${fake.url}; helper ${HELPER}; cache ${box.cacheDir}\n`);
  console.log(`$ echo ${HOST} | docker-credential-ecr-login get`);
  const cold = await runHelper(['get'], HOST, env);
  console.log(`${mask(cold.stdout)}\n  cold get: ${cold.ms} ms, ECR calls so far: ${fake.calls.length}\n`);

  const warm = await runHelper(['get'], HOST, env);
  console.log(`${mask(warm.stdout)}\n  warm get (cache hit): ${warm.ms} ms, ECR calls so far: ${fake.calls.length}\n`);

  const list = await runHelper(['list'], 'unused', env);
  console.log(`$ docker-credential-ecr-login list\n${list.stdout}`);

  const other = new Sandbox();
  fake.reset();
  fake.set({ delayMs: 500 }); // a slow ECR, so that all 16 overlap
  const started = Date.now();
  const herd = await Promise.all(Array.from({ length: 16 }, () => runHelper(['get'], HOST, other.env(fake.url))));
  console.log(`16 parallel gets on an empty cache (ECR answering in 500 ms): ${herd.filter((r) => r.code === 0).length}/16 succeeded in ${Date.now() - started} ms with ${fake.calls.length} ECR call(s)`);
  other.remove();

  const notEcr = await runHelper(['get'], 'docker.io', env);
  console.log(`\n$ echo docker.io | docker-credential-ecr-login get\n${notEcr.stdout.trim()}   (exit ${notEcr.code}, ${notEcr.ms} ms, no AWS call)`);
} finally {
  box.remove();
  await fake.stop();
}
