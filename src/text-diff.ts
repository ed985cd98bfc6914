// A line diff for `configure --dry-run`: unified-diff style, with a few lines of context. Config
// files are small, so the plain longest-common-subsequence table is fast enough. Pure.

const CONTEXT = 2;

export function lineDiff(before: string, after: string, labels: { before: string; after: string }): string {
  const a = splitLines(before);
  const b = splitLines(after);
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..]
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  const lines: { mark: ' ' | '-' | '+'; text: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) lines.push({ mark: ' ', text: a[i++]! }), j++;
    else if (i < a.length && (j === b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) lines.push({ mark: '-', text: a[i++]! });
    else lines.push({ mark: '+', text: b[j++]! });
  }
  const near = (k: number) => lines.slice(Math.max(0, k - CONTEXT), k + CONTEXT + 1).some((l) => l.mark !== ' ');
  const out = [`--- ${labels.before}`, `+++ ${labels.after}`];
  let skipped = false;
  lines.forEach((line, k) => {
    if (near(k)) {
      if (skipped) out.push('  ...');
      out.push(`${line.mark} ${line.text}`);
      skipped = false;
    } else skipped = true;
  });
  if (skipped) out.push('  ...');
  return out.join('\n');
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}
