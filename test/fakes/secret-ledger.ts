// Every secret the fakes of this test process have issued or been sent (ECR passwords and
// authorization tokens, secret keys, session tokens, web identity, SSO, container and IMDS tokens),
// and those the tests hand the helper (AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, credentials files).
// Unlike each fake's own lists it is never reset, so the secrets scan (test/helpers/secrets-scan.ts)
// can look for all of them at the end of a test file. Kept on globalThis: one ledger per test
// file's process context, however many times the module is loaded.

const KEY = Symbol.for('docker-credential-ecr-login.test.secret-ledger');
/** Shorter values are too likely to occur by chance ("pw", "x"); no fake issues one. */
export const MIN_SECRET_LENGTH = 8;

function ledger(): Map<string, string> {
  const holder = globalThis as { [KEY]?: Map<string, string> };
  return (holder[KEY] ??= new Map());
}

/** Records a secret and what it is (the kind is printed instead of the value). */
export function noteSecret(kind: string, value: string | undefined): void {
  if (value !== undefined && value.length >= MIN_SECRET_LENGTH && !ledger().has(value)) ledger().set(value, kind);
}

/** secret -> kind. */
export function notedSecrets(): ReadonlyMap<string, string> {
  return ledger();
}
