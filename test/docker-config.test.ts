// Docker's config.json as `configure` edits it, and the diff of --dry-run (pure functions).

import { describe, expect, it } from 'vitest';
import { containersAuthPath, credsStoreNotes, dockerConfigPath, formatLike, parseConfigText, updateCredHelpers } from '../src/docker-config.js';
import { lineDiff } from '../src/text-diff.js';

const A = '111111111111.dkr.ecr.us-east-1.amazonaws.com';
const B = '222222222222.dkr.ecr.eu-west-1.amazonaws.com';

describe('where the files are', () => {
  it.each([
    [{}, '/home/u/.docker/config.json'],
    [{ DOCKER_CONFIG: '/etc/ci/docker' }, '/etc/ci/docker/config.json'],
  ])('Docker config for %j', (env, path) => expect(dockerConfigPath(env, '/home/u')).toBe(path));

  it.each([
    [{}, '/home/u/.config/containers/auth.json'],
    [{ XDG_CONFIG_HOME: '/x' }, '/x/containers/auth.json'],
    [{ REGISTRY_AUTH_FILE: '/run/auth.json', XDG_CONFIG_HOME: '/x' }, '/run/auth.json'],
  ])('containers auth.json for %j', (env, path) => expect(containersAuthPath(env, '/home/u')).toBe(path));
});

describe('parseConfigText', () => {
  it('reads a missing or empty file as an empty config', () => {
    expect(parseConfigText(undefined, 'p')).toEqual({});
    expect(parseConfigText(' \n', 'p')).toEqual({});
  });

  it.each([
    ['{"auths": {', /p is not valid JSON .*left untouched/],
    ['[]', /p is not a JSON object/],
    ['"x"', /p is not a JSON object/],
    ['{"credHelpers": []}', /p: "credHelpers" is not a JSON object/],
  ])('refuses %s', (text, message) => expect(() => parseConfigText(text, 'p')).toThrow(message));
});

describe('updateCredHelpers', () => {
  it('adds entries at the end of credHelpers and reports each', () => {
    const { config, changes } = updateCredHelpers({ auths: {}, credHelpers: { 'gcr.io': 'gcloud' } }, [A, B], false);
    expect(config).toEqual({ auths: {}, credHelpers: { 'gcr.io': 'gcloud', [A]: 'ecr-login', [B]: 'ecr-login' } });
    expect(Object.keys(config.credHelpers as object)).toEqual(['gcr.io', A, B]);
    expect(changes).toEqual([
      { host: A, kind: 'added' },
      { host: B, kind: 'added' },
    ]);
  });

  it('keeps credHelpers where it was among the keys', () => {
    const { config } = updateCredHelpers({ auths: {}, credHelpers: {}, psFormat: 'x' }, [A], false);
    expect(Object.keys(config)).toEqual(['auths', 'credHelpers', 'psFormat']);
  });

  it('returns the same object when nothing changes', () => {
    const original = { credHelpers: { [A]: 'ecr-login' } };
    const { config, changes } = updateCredHelpers(original, [A], false);
    expect(config).toBe(original);
    expect(changes).toEqual([{ host: A, kind: 'already' }]);
  });

  it('replaces another helper\'s entry, saying which', () => {
    expect(updateCredHelpers({ credHelpers: { [A]: 'gcloud' } }, [A], false).changes).toEqual([{ host: A, kind: 'replaced', other: 'gcloud' }]);
  });

  it('removes only its own entries', () => {
    const { config, changes } = updateCredHelpers({ credHelpers: { [A]: 'ecr-login', [B]: 'gcloud' } }, [A, B, 'x.example.com'], true);
    expect(config).toEqual({ credHelpers: { [B]: 'gcloud' } });
    expect(changes).toEqual([
      { host: A, kind: 'removed' },
      { host: B, kind: 'kept', other: 'gcloud' },
      { host: 'x.example.com', kind: 'absent' },
    ]);
  });
});

describe('credsStoreNotes', () => {
  it('says nothing without credsStore, or when removing', () => {
    expect(credsStoreNotes({}, [A], false)).toEqual([]);
    expect(credsStoreNotes({ credsStore: 'ecr-login' }, [A], true)).toEqual([]);
  });

  it('says the entries shadow nothing for Docker when credsStore is this helper', () => {
    expect(credsStoreNotes({ credsStore: 'ecr-login' }, [A], false)).toEqual([expect.stringMatching(/^credsStore is already "ecr-login", so for Docker these entries shadow nothing/)]);
  });

  it('names each host whose stored login the entry now hides', () => {
    expect(credsStoreNotes({ credsStore: 'desktop', auths: { [A]: {}, [`https://${B}`]: {} } }, [A, B, 'c.example.com'], false)).toEqual([
      `${A} has a login in credsStore "desktop"; the credHelpers entry now takes precedence over it`,
      `${B} has a login in credsStore "desktop"; the credHelpers entry now takes precedence over it`,
    ]);
  });
});

describe('formatLike', () => {
  it.each([
    ['Docker\'s tabs and final newline', '{\n\t"a": 1\n}\n', '{\n\t"a": 1,\n\t"b": 2\n}\n'],
    ['two spaces, no final newline', '{\n  "a": 1\n}', '{\n  "a": 1,\n  "b": 2\n}'],
    ['one line', '{"a":1}', '{"a":1,"b":2}'],
  ])('keeps %s', (_label, original, expected) => expect(formatLike(original, { a: 1, b: 2 })).toBe(expected));

  it('writes a new file as Docker does: tabs and a final newline', () => expect(formatLike(undefined, { a: 1 })).toBe('{\n\t"a": 1\n}\n'));
});

describe('lineDiff', () => {
  const labels = { before: 'a', after: 'b' };

  it('marks removed lines before added ones, with context', () => {
    expect(lineDiff('{\n\t"x": 1\n}\n', '{\n\t"x": 1,\n\t"y": 2\n}\n', labels)).toBe(['--- a', '+++ b', '  {', '- \t"x": 1', '+ \t"x": 1,', '+ \t"y": 2', '  }'].join('\n'));
  });

  it('elides unchanged lines far from a change', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7', '8', '9'].join('\n');
    const after = before.replace('5', 'five');
    expect(lineDiff(before, after, labels)).toBe(['--- a', '+++ b', '  ...', '  3', '  4', '- 5', '+ five', '  6', '  7', '  ...'].join('\n'));
  });

  it('shows a new file as all additions', () => expect(lineDiff('', '{}\n', labels)).toBe('--- a\n+++ b\n+ {}'));
});
