import type { Platform } from '../../shops/shop.record.js';
import { REPLY_GUARD_RULES, type GuardRule, type GuardSeverity } from './reply-guard.rules.js';

/** One rule violation in a reply. `start`/`end` index the original text, so `text.slice(start, end) === match`. */
export interface GuardFinding {
  rule: string;
  category: string;
  severity: GuardSeverity;
  message: string;
  match: string;
  start: number;
  end: number;
}

export interface GuardRuleSummary {
  id: string;
  category: string;
  severity: GuardSeverity;
  message: string;
  description: string;
}

/** Checks a reply an agent is about to send from a shop on `platform`; findings are sorted by position. */
export function checkReply(text: string, platform: Platform): GuardFinding[] {
  const normalised = normaliseForMatching(text);
  return rulesApplyingTo(platform)
    .flatMap((rule) => findingsForRule(rule, text, normalised, platform))
    .sort(byPosition);
}

/** The rules a shop on `platform` is held to, for clients that explain them. */
export function rulesFor(platform: Platform): GuardRuleSummary[] {
  return rulesApplyingTo(platform).map(({ id, category, severity, message, description }) => ({
    id,
    category,
    severity,
    message,
    description,
  }));
}

/** A reply with a blocking finding must not be sent; warnings are left to the agent. */
export function isBlocked(findings: readonly GuardFinding[]): boolean {
  return findings.some((finding) => finding.severity === 'block');
}

function rulesApplyingTo(platform: Platform): GuardRule[] {
  return REPLY_GUARD_RULES.filter((rule) => rule.platforms === undefined || rule.platforms.includes(platform));
}

/** The text patterns run against, with each of its UTF-16 units mapped back to the original character. */
interface NormalisedText {
  text: string;
  originalStart: number[];
  originalEnd: number[];
}

/** Zero-width spaces and joiners, soft hyphens: invisible to the buyer, so "微\u200b信" reads as 微信. */
const INVISIBLE_FORMAT_CHARACTER = /^\p{Cf}$/u;

/**
 * NFKC, one character at a time, folds full-width digits, letters and punctuation ("１３８", "ＱＱ", "：")
 * to ASCII so patterns need only spell the ASCII form. Doing it per character keeps a map back to the
 * original, so findings point at what the agent actually typed.
 */
function normaliseForMatching(original: string): NormalisedText {
  const normalised: NormalisedText = { text: '', originalStart: [], originalEnd: [] };
  let offset = 0;
  for (const character of original) {
    const folded = INVISIBLE_FORMAT_CHARACTER.test(character) ? '' : character.normalize('NFKC');
    for (let unit = 0; unit < folded.length; unit++) {
      normalised.originalStart.push(offset);
      normalised.originalEnd.push(offset + character.length);
    }
    normalised.text += folded;
    offset += character.length;
  }
  return normalised;
}

interface Span {
  start: number;
  end: number;
}

function findingsForRule(rule: GuardRule, original: string, normalised: NormalisedText, platform: Platform): GuardFinding[] {
  const spans = patternsFor(rule, platform)
    .flatMap((pattern) => [...normalised.text.matchAll(withGlobalFlag(pattern))])
    .filter((match) => match[0] !== '' && !rule.isAllowed?.(match[0], platform))
    .map((match) => originalSpan(normalised, match.index, match.index + match[0].length));
  return mergeOverlapping(spans).map(({ start, end }) => ({
    rule: rule.id,
    category: rule.category,
    severity: rule.severity,
    message: rule.message,
    match: original.slice(start, end),
    start,
    end,
  }));
}

function patternsFor(rule: GuardRule, platform: Platform): readonly RegExp[] {
  return typeof rule.patterns === 'function' ? rule.patterns(platform) : rule.patterns;
}

/** matchAll needs the global flag; rule authors should not have to remember it. */
function withGlobalFlag(pattern: RegExp): RegExp {
  return pattern.global ? pattern : new RegExp(pattern.source, `${pattern.flags}g`);
}

function originalSpan(normalised: NormalisedText, start: number, end: number): Span {
  return { start: normalised.originalStart[start], end: normalised.originalEnd[end - 1] };
}

/** Several patterns of one rule often match the same words (a URL and its bare domain); the agent needs one finding. */
function mergeOverlapping(spans: Span[]): Span[] {
  const merged: Span[] = [];
  for (const span of [...spans].sort((a, b) => a.start - b.start || a.end - b.end)) {
    const last = merged.at(-1);
    if (last !== undefined && span.start < last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}

function byPosition(a: GuardFinding, b: GuardFinding): number {
  return a.start - b.start || a.end - b.end || a.rule.localeCompare(b.rule);
}
