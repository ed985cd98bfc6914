import { readFileSync } from 'node:fs';
import { FakeEcr } from '../test/fakes/ecr.js';
import { runHelper, Sandbox } from '../test/helpers/helper-process.js';
const fake = await new FakeEcr().start();
for (let i = 0; i < 3; i++) {
  const box = new Sandbox();
  const env = box.env(fake.url, { AWS_ECR_LOG_LEVEL: 'debug' });
  const t0 = Date.now();
  const r = await runHelper(['get'], '123456789012.dkr.ecr.us-west-2.amazonaws.com', env, process.argv[2]);
  const log = readFileSync(`${box.cacheDir}/docker-credential-ecr-login.log`, 'utf8').split('\n').filter(Boolean);
  const first = Date.parse(log[0]!.split(' ')[0]!);
  console.log(`run ${i}: ${r.ms} ms total; spawn->first log ${first - t0} ms`);
  const call = fake.calls[fake.calls.length - 1]!.at;
  if (i === 2) for (const line of log) { const t = Date.parse(line.split(' ')[0]!); console.log(`  +${t - first} ${line.slice(line.indexOf('debug'), line.indexOf('debug') + 110)}`); }
  console.log(`  fake saw the call at +${call - first} ms; exit at +${t0 + r.ms - first}`);
  box.remove();
}
await fake.stop();
