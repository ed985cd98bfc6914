// A small parser for the AWS shared config and credentials files (INI with `[section]` headers,
// `key = value` pairs, `#`/`;` comments and indented sub-properties). The hot path needs it to
// fingerprint a profile without loading the AWS SDK. Pure.

export type IniSections = Map<string, Map<string, string>>;

export function parseIni(text: string): IniSections {
  const sections: IniSections = new Map();
  let current: Map<string, string> | undefined;
  let lastKey: string | undefined;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.replace(/^\uFEFF/, '');
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    const header = /^\[([^\]]*)\]\s*(?:[#;].*)?$/.exec(trimmed);
    if (header) {
      const name = header[1]!.trim().replace(/\s+/g, ' ');
      current = sections.get(name) ?? new Map<string, string>();
      sections.set(name, current);
      lastKey = undefined;
      continue;
    }
    if (!current) continue;
    const indented = /^\s/.test(line);
    const eq = trimmed.indexOf('=');
    if (indented && lastKey !== undefined) {
      // Sub-property (e.g. `s3 =\n  max_concurrent_requests = 10`): keep it under its parent key.
      current.set(lastKey, `${current.get(lastKey) ?? ''}\n${trimmed}`);
      continue;
    }
    if (eq <= 0) continue;
    lastKey = trimmed.slice(0, eq).trim().toLowerCase();
    current.set(lastKey, trimmed.slice(eq + 1).trim());
  }
  return sections;
}
