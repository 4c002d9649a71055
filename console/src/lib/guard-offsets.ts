/** A reply-guard finding as the API reports it: `start`/`end` are UTF-16 indices into the checked text. */
export interface Finding {
  rule: string;
  category: string;
  severity: 'block' | 'warn';
  message: string;
  match: string;
  start: number;
  end: number;
}

export interface Segment {
  text: string;
  finding: Finding | null;
}

/**
 * Splits the text into plain and highlighted runs for the mirror layer behind the textarea. JS strings
 * index in UTF-16 like the API, so offsets map 1:1; overlapping or out-of-range findings are clipped,
 * and a blocking finding wins over a warning on the same characters.
 */
export function segmentsOf(text: string, findings: readonly Finding[]): Segment[] {
  const owner: Array<Finding | null> = new Array(text.length).fill(null);
  const ordered = [...findings].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'block' ? 1 : -1));
  for (const finding of ordered) {
    const start = Math.max(0, Math.min(finding.start, text.length));
    const end = Math.max(start, Math.min(finding.end, text.length));
    for (let i = start; i < end; i++) owner[i] = finding;
  }
  const segments: Segment[] = [];
  let runStart = 0;
  for (let i = 1; i <= text.length; i++) {
    if (i === text.length || owner[i] !== owner[runStart]) {
      segments.push({ text: text.slice(runStart, i), finding: owner[runStart] });
      runStart = i;
    }
  }
  return segments;
}

/**
 * Carries findings computed for `before` over to `after` while the next check is still on its way, so
 * highlights stay on the words they belong to as the agent types. The edit is the span between the
 * common prefix and suffix; findings before it stay, findings after it shift, findings it touches are
 * dropped (the next check will report them again if they still apply).
 */
export function remapFindings(findings: readonly Finding[], before: string, after: string): Finding[] {
  if (before === after) return [...findings];
  let prefix = 0;
  const max = Math.min(before.length, after.length);
  while (prefix < max && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < max - prefix && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) {
    suffix++;
  }
  const editEndBefore = before.length - suffix;
  const delta = after.length - before.length;
  return findings.flatMap((finding) => {
    if (finding.end <= prefix) return [finding];
    if (finding.start >= editEndBefore) return [{ ...finding, start: finding.start + delta, end: finding.end + delta }];
    return [];
  });
}

/** Whether any finding blocks sending. */
export function blocks(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'block');
}
