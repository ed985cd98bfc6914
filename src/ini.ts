// A small parser for the AWS shared config and credentials files (INI with `[section]` headers,
// `key = value` pairs, `#`/`;` comments and indented sub-properties). The hot path needs it to
// fingerprint a profile without loading the AWS SDK. Pure.

export type IniSections = Map<string, Map<string, string>>;

export function parseIni(text: string): IniSections {
  const sections: IniSections = new Map();
  let current: Map<string, string> | undefined;
  // A key with an empty value opens a sub-section: the indented keys below it are `parent.key`.
  let subSection: string | undefined;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.replace(/^\uFEFF/, '');
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    const header = /^\[([^\]]*)\]\s*(?:[#;].*)?$/.exec(trimmed);
    if (header) {
      const name = header[1]!.trim().replace(/\s+/g, ' ');
      current = sections.get(name) ?? new Map<string, string>();
      sections.set(name, current);
      subSection = undefined;
      continue;
    }
    const eq = trimmed.indexOf('=');
    if (!current || eq <= 0) continue;
    const key = trimmed.slice(0, eq).trim().toLowerCase();
    const value = trimmed.slice(eq + 1).trim();
    if (/^\s/.test(line) && subSection !== undefined) {
      current.set(`${subSection}.${key}`, value);
      continue;
    }
    current.set(key, value);
    subSection = value === '' ? key : undefined;
  }
  return sections;
}
