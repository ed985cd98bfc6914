// The --help text of every command. docs/docker-credential-ecr-login.1 (the man page) and the
// README say the same at more length; test/cli.process.test.ts keeps the three in step.

import { NAME, USAGE } from './protocol.js';

const SUMMARY = `${USAGE}

A Docker credential helper for Amazon ECR. Docker, skopeo, podman and buildah run it with one of
the protocol actions above; you run it with one of these:

  ${NAME} configure --registry HOST   wire Docker (and --containers: skopeo/podman) to this helper
  ${NAME} doctor [HOST] [--online]    check the setup, with a verdict per check
  ${NAME} token HOST                  print the registry password (for --password-stdin logins)
  ${NAME} config check [HOST...]      validate the config file and show what each host resolves to
  ${NAME} help [COMMAND]              this text, or one command's (also: COMMAND --help)

Exit codes: 0 success; 1 failure (for doctor: a check failed); 2 a command used wrongly.
Environment: AWS_ECR_CACHE_DIR, AWS_ECR_CONFIG_FILE, AWS_ECR_LOG_LEVEL, AWS_ECR_TIMEOUT,
AWS_ECR_REFRESH_FRACTION, AWS_ECR_DISABLE_CACHE, AWS_ECR_IGNORE_CREDS_STORAGE, and the AWS SDK's
(AWS_PROFILE, AWS_REGION, HTTPS_PROXY, AWS_CA_BUNDLE, ...). See: man ${NAME}`;

export const HELP: Record<string, string> = {
  get: `Usage: echo HOST | ${NAME} get

Protocol action (run by Docker, skopeo, ...): prints {"ServerURL":..,"Username":"AWS","Secret":..}
for an ECR registry host, from the shared token cache, calling ecr:GetAuthorizationToken only when
the cached token is missing or past AWS_ECR_REFRESH_FRACTION of its lifetime. A host that is not an
ECR registry (nor mapped to one by the config file) gets "credentials not found in native keychain".
Errors: one line on stdout, exit 1.`,

  store: `Usage: echo '{"ServerURL":..,"Username":..,"Secret":..}' | ${NAME} store

Protocol action (docker login, skopeo login): ECR tokens come from AWS, so nothing is stored; it
succeeds for ECR registries and refuses any other host. AWS_ECR_IGNORE_CREDS_STORAGE=true makes it
succeed for every host.`,

  erase: `Usage: echo HOST | ${NAME} erase

Protocol action (docker logout): removes the cached token for HOST; the next get fetches a new one.`,

  list: `Usage: ${NAME} list

Protocol action: prints {"HOST":"AWS",...} for the hosts this identity was served whose token is
still valid, so that every listed host answers get without a call to AWS.`,

  version: `Usage: ${NAME} version   (also -v, --version)

Prints the name, package and version.`,

  token: `Usage: ${NAME} token HOST

Prints only the password for HOST (user: AWS) from the same cache as get, fetching it on a miss:

  ${NAME} token HOST | docker login --username AWS --password-stdin HOST
  ${NAME} token HOST | helm registry login --username AWS --password-stdin HOST
  ${NAME} token HOST | oras login --username AWS --password-stdin HOST

Errors go to stderr, never to stdout. Exit codes: 0 printed, 1 no token (the reason on stderr), 2 usage.`,

  configure: `Usage: ${NAME} configure [--registry HOST]... [--public] [--from-config]
                                    [--remove] [--containers] [--dry-run]

Adds "credHelpers": {"HOST": "ecr-login"} entries to Docker's config.json (in $DOCKER_CONFIG, else
~/.docker), or removes them with --remove, keeping every other key. The file is created if missing,
written atomically, and the previous version kept as config.json.bak; a file that is not valid JSON
is refused and left untouched.

  --registry HOST  an ECR registry host, or a host the config file maps to one (repeatable)
  --public         public.ecr.aws (ECR Public)
  --from-config    every exact (non-wildcard) host of the config file's rules
  --remove         remove the entries instead of adding them
  --containers     also the containers' auth.json that skopeo, podman and buildah read
                   ($REGISTRY_AUTH_FILE, else \${XDG_CONFIG_HOME:-~/.config}/containers/auth.json);
                   they ignore credsStore
  --dry-run        print the change as a diff; write nothing

Warns when this executable is not on PATH as ${NAME} (Docker runs it by that name), and when
credsStore makes an entry redundant or the entry hides credentials credsStore holds for the host.
Exit codes: 0 done (or nothing to change), 1 failed (nothing written), 2 usage.`,

  doctor: `Usage: ${NAME} doctor [HOST] [--online] [--json]

Checks the setup and prints a verdict per check: the executable on PATH, Docker's config.json
wiring for HOST, the config file and the rule and identity source HOST would use, the cache dir and
its permissions, and the cached tokens with their expiry (never the token itself). No AWS call unless:

  --online   also fetch a token from ECR for HOST and call sts:GetCallerIdentity with the same
             credentials (nothing is written to the cache)
  --json     the report as JSON, for machines

Exit codes: 0 every check passed (warnings allowed), 1 a check failed, 2 usage.`,

  config: `Usage: ${NAME} config check [HOST...]

Validates the config file (AWS_ECR_CONFIG_FILE, else config.json in the OS config dir) and shows,
for each HOST, the rule that matches, the registry it resolves to, the identity source and the API
endpoint, without calling AWS. Exit codes: 0 valid, 1 malformed (the file, rule and problem named).`,

  help: `Usage: ${NAME} help [COMMAND]

Prints the overview, or the help of one command (the same as COMMAND --help).`,
};

/** The overview, or one command's help; undefined for an unknown command. */
export function helpText(command?: string): string | undefined {
  if (command === undefined) return SUMMARY;
  return Object.hasOwn(HELP, command) ? HELP[command] : undefined;
}
