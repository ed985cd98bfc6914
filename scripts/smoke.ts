import { FakeEcr } from '../test/fakes/ecr.js';
import { runHelper, Sandbox } from '../test/helpers/helper-process.js';
const fake = await new FakeEcr().start();
const box = new Sandbox();
const env = box.env(fake.url, { AWS_ECR_LOG_LEVEL: 'debug' });
for (const host of ['123456789012.dkr.ecr.us-west-2.amazonaws.com', '123456789012.dkr.ecr.us-west-2.amazonaws.com', 'public.ecr.aws', 'docker.io']) {
  const r = await runHelper(['get'], host, env, process.argv[2]);
  console.log(host, r.code, r.ms, JSON.stringify(r.stdout.slice(0, 80)), JSON.stringify(r.stderr));
}
console.log(fake.calls.length, fake.violations);
await fake.stop();
