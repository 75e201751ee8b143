import { BUILTIN_ENTITY_TYPES } from '../detection';
import type { PolicyDocument } from '../policy/policy-document';

/**
 * The forms a model writes placeholder tokens back in, and how each maps to the one canonical
 * token `[TYPE_ID]` (README "Placeholder grammar"). Pure: no I/O. A mangled form is only a
 * candidate: it names a canonical token, which still has to be a token of the caller's tenant
 * (and, on the gateway, of the conversation) before anything is revealed.
 *
 *   placeholder := canonical | bracketed | closed | bare
 *   canonical   := "[" TYPE "_" ID "]"                      (exactly as minted)
 *   bracketed   := "[" "["? SP* WORDS SEP ID SP* POSS? SP* "]"{0,2}
 *   closed      := WORDS_U SEPU ID SP* POSS? SP* "]"{1,2}   (opening bracket missing)
 *   bare        := UPPER_WORDS "_" UPPER_ID                 (both brackets missing)
 *   WORDS       := word (SEP word){0,7}; word := letter (letter | digit)*, any case; TYPE ≤ 48
 *   SEP         := "_" | " " | "-";  SEPU := "_" | "-"
 *   ID          := 6–12 Crockford base32 characters (no I, L, O, U), any case,
 *                  then optionally a name link LINK := ".given" | ".family" | "~" ID
 *   POSS        := "'s" | "’s"  (kept after the restored value)
 *
 * TYPE is WORDS upper-cased with every separator made "_". A mangled form counts only if TYPE is
 * an entity type the tenant knows (built-in, or a custom type of its governing policy), so
 * `[see attached]` is never looked up.
 */

export interface PlaceholderMatch {
  /** UTF-16 offsets into the text, end exclusive. */
  start: number;
  end: number;
  /** The canonical token this form names, `[TYPE_ID]`. */
  token: string;
  /** Text kept after the restored value (a possessive written inside the brackets). */
  suffix: string;
  /** False when the text is the canonical token itself. */
  mangled: boolean;
}

export type KnownType = (type: string) => boolean;

const ID = '[0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{6,12}';
const WORD = '[A-Za-z][A-Za-z0-9]{0,47}';
const POSS = "['\u2019]s";
const LINK = `(?:\\.(?:given|family)|~${ID})`;
const BRACKETED =
  `\\[{1,2} {0,3}(?<wa>${WORD}(?:[ _-][A-Za-z0-9]{1,47}){0,7})[ _-](?<ia>${ID}${LINK}?)(?![A-Za-z0-9])` +
  ` {0,3}(?<pa>${POSS})? {0,3}\\]{0,2}`;
const CLOSED =
  `\\b(?<wb>${WORD}(?:[_-][A-Za-z0-9]{1,47}){0,7})[_-](?<ib>${ID}${LINK}?)` +
  ` {0,3}(?<pb>${POSS})? {0,3}\\]{1,2}`;
const BARE =
  '\\b(?<wc>[A-Z][A-Z0-9]{0,47}(?:_[A-Z0-9]{1,47}){0,7})_(?<ic>[0-9A-HJKMNP-TV-Z]{6,12}(?:~[0-9A-HJKMNP-TV-Z]{6,12}|\\.(?:given|family))?)\\b';
const PLACEHOLDER = new RegExp(`${BRACKETED}|${CLOSED}|${BARE}`, 'g');
const CANONICAL =
  /^\[[A-Z][A-Z0-9_]{0,47}_[0-9A-HJKMNP-TV-Z]{6,12}(?:\.given|\.family|~[0-9A-HJKMNP-TV-Z]{6,12})?\]$/;
const TYPE_NAME = /^[A-Z][A-Z0-9_]{0,47}$/;

/** Every placeholder in `text`, canonical or mangled, left to right, not overlapping. */
export function findPlaceholders(text: string, isKnownType: KnownType): PlaceholderMatch[] {
  const found: PlaceholderMatch[] = [];
  const pattern = new RegExp(PLACEHOLDER);
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text)) !== null) {
    const resolved = toPlaceholder(match, isKnownType);
    if (resolved) {
      found.push(resolved);
    } else {
      // Not a placeholder as a whole: a later start inside it may still be one.
      pattern.lastIndex = match.index + 1;
    }
  }
  return found;
}

function toPlaceholder(match: RegExpExecArray, isKnownType: KnownType): PlaceholderMatch | null {
  const groups = match.groups ?? {};
  const words = groups.wa ?? groups.wb ?? groups.wc;
  const id = canonicalId(groups.ia ?? groups.ib ?? groups.ic);
  const suffix = groups.pa ?? groups.pb ?? '';
  const start = match.index;
  const end = start + match[0].length;
  if (CANONICAL.test(match[0])) {
    return { start, end, token: match[0], suffix: '', mangled: false };
  }
  // Leading words that are no type ("[note PERSON ABC123]") are dropped, keeping the known tail.
  const parts = splitWords(words);
  for (let i = 0; i < parts.length; i++) {
    const type = parts
      .slice(i)
      .map((p) => p.word.toUpperCase())
      .join('_');
    if (!TYPE_NAME.test(type) || !isKnownType(type)) continue;
    const wordsAt = match[0].indexOf(words);
    const from = i === 0 ? start : start + wordsAt + parts[i].offset;
    return { start: from, end, token: `[${type}_${id}]`, suffix, mangled: true };
  }
  return null;
}

/** The ID upper-cased, a `.given`/`.family` link kept (the grammar accepts it lower-case only). */
function canonicalId(raw: string): string {
  const dot = raw.indexOf('.');
  return dot < 0 ? raw.toUpperCase() : raw.slice(0, dot).toUpperCase() + raw.slice(dot);
}

function splitWords(words: string): { word: string; offset: number }[] {
  const parts: { word: string; offset: number }[] = [];
  for (const m of words.matchAll(/[A-Za-z0-9]+/g)) parts.push({ word: m[0], offset: m.index });
  return parts;
}

/** Longest text a placeholder form can span: a stream holds back no more than this. */
export const MAX_PLACEHOLDER_LENGTH = 2 + 3 + 48 + 1 + 12 + 13 + 3 + 2 + 3 + 2;

const BRACKET_PREFIX =
  /^\[{1,2} {0,3}(?:[A-Za-z][A-Za-z0-9]{0,47}(?:[ _-][A-Za-z0-9]{0,47}){0,8}(?:[.~][A-Za-z0-9]{0,12})?)?(?: {0,3}(?:['\u2019]s?)?)? {0,3}\]?$/;
const WORD_HEAD = /^[A-Za-z0-9_-]+/;
const AFTER_ID = /^(?:[.~][A-Za-z0-9]{0,12})? {0,3}(?:['\u2019]s?)? {0,3}\]?$/;

/**
 * Whether `tail` (the end of a stream so far, starting at `tail[0]`) could still grow into a
 * placeholder. Over-approximates the grammar: holding back a little too much only delays text.
 * `atWordStart` says whether the character before `tail` lets a word begin there.
 */
export function couldBePlaceholderStart(
  tail: string,
  atWordStart: boolean,
  isKnownTypePrefix: KnownType,
): boolean {
  if (tail.length === 0 || tail.length > MAX_PLACEHOLDER_LENGTH) return false;
  if (tail[0] === '[') return BRACKET_PREFIX.test(tail);
  if (!atWordStart || !/[A-Za-z]/.test(tail[0])) return false;
  const head = WORD_HEAD.exec(tail)![0];
  const rest = tail.slice(head.length);
  const upper = head.toUpperCase().replace(/-/g, '_');
  // Still inside the type: only a known type's prefix can go on to be one.
  if (rest === '' && isKnownTypePrefix(upper)) return true;
  // A known type, a separator and (the start of) an id, then at most the closing part.
  const split = /^(.*)_([0-9A-Z]{0,12})$/.exec(upper);
  return split !== null && isKnownTypePrefix(`${split[1]}\u0000`) && AFTER_ID.test(rest);
}

/**
 * The known-type test for `findPlaceholders` and, for streams, a prefix test: `isKnown(p)` for a
 * prefix p of a type name, and `isKnown(type + "\0")` for a whole one.
 */
export class EntityTypeNames {
  private readonly names: Set<string>;
  private readonly prefixes = new Set<string>();

  constructor(types: Iterable<string>) {
    this.names = new Set(types);
    for (const name of this.names) {
      for (let i = 1; i <= name.length; i++) this.prefixes.add(name.slice(0, i));
    }
  }

  readonly isKnown: KnownType = (type) => this.names.has(type);

  readonly isKnownPrefix: KnownType = (text) =>
    text.endsWith('\u0000') ? this.names.has(text.slice(0, -1)) : this.prefixes.has(text);
}

const namesByPolicy = new WeakMap<PolicyDocument, EntityTypeNames>();

/** The types a mangled form may name under a policy: built-in ones and its custom recognizers'. */
export function typeNamesFor(policy: PolicyDocument): EntityTypeNames {
  let names = namesByPolicy.get(policy);
  if (!names) {
    const custom = (policy.detection?.recognizers ?? []).map((r) => r.type);
    names = new EntityTypeNames([...BUILTIN_ENTITY_TYPES, ...custom]);
    namesByPolicy.set(policy, names);
  }
  return names;
}
