/**
 * Context-preserving names (issue #15 item 4; README "SPEC addendum: linked name tokens"). Pure:
 * no I/O. Within one request (or gateway conversation), a PERSON mention that is part of a full name seen earlier links to
 * it, and a full name sharing the family name of an earlier full name links to that one:
 *
 *   [PERSON_7QX2KD]          "Margaret O'Connell"  (the anchor: its own token, as before)
 *   [PERSON_7QX2KD.given]    "Margaret"            (given-name mention of the anchor)
 *   [PERSON_7QX2KD.family]   "O'Connell"           (family-name mention of the anchor)
 *   [PERSON_M4T8ZA~7QX2KD]   "Daniel O'Connell"    (own id M4T8ZA, family of anchor 7QX2KD)
 *
 * Each linked form is its own vault entry (own encrypted value, own token). A link shows only that
 * mentions co-refer: the ids are random, never derived from the name.
 */

export type NameLinkKind = 'given' | 'family' | 'relative';

export interface NameLink {
  /** The surface form of the linked mention, exactly as detected. */
  value: string;
  /** The full name it links to (always a surface value of the same request). */
  anchor: string;
  kind: NameLinkKind;
}

/** Words of a name: split on whitespace; a one-word value is no full name. */
function nameWords(value: string): string[] {
  return value
    .trim()
    .split(/\s+/u)
    .filter((w) => w.length > 0);
}

const fold = (word: string): string => word.normalize('NFC').toLocaleLowerCase('en');

/**
 * The links among `mentions` (PERSON surface values in document order, repeats allowed). A
 * full name is an anchor unless its family name already belongs to an earlier full name (then it
 * is a `relative` of that one). A one-word mention links to the first earlier full name whose
 * given name (else family name) it equals, case-insensitively. Anything else stays unlinked.
 * `earlier` are the PERSON values earlier requests of the same conversation sent (full names and
 * linked forms, in the order first sent): they come first, as if the request resent them, so a
 * mention links to them and gets the same links it got then.
 */
export function linkNames(
  mentions: readonly string[],
  earlier: readonly string[] = [],
): Map<string, NameLink> {
  const links = new Map<string, NameLink>();
  const fullNames: { value: string; given: string; family: string }[] = [];
  const familyAnchor = new Map<string, string>();
  const seen = new Set<string>();
  const taken = new Set<string>();
  for (const value of [...earlier, ...mentions]) {
    if (seen.has(value)) continue;
    seen.add(value);
    const words = nameWords(value);
    if (words.length >= 2) {
      const given = fold(words[0]);
      const family = fold(words[words.length - 1]);
      const anchor = familyAnchor.get(family);
      if (anchor === undefined) familyAnchor.set(family, value);
      else links.set(value, { value, anchor, kind: 'relative' });
      fullNames.push({ value, given, family });
      continue;
    }
    if (words.length !== 1) continue;
    const word = fold(words[0]);
    // One form per (anchor, kind): `Margaret` and `MARGARET` cannot both be `[PERSON_X.given]`.
    const byGiven = fullNames.find((f) => f.given === word);
    const familyOwner = familyAnchor.get(word);
    const link: NameLink | undefined = byGiven
      ? { value, anchor: byGiven.value, kind: 'given' }
      : familyOwner !== undefined
        ? { value, anchor: familyOwner, kind: 'family' }
        : undefined;
    if (link && !taken.has(`${link.kind}\u0000${link.anchor}`)) {
      taken.add(`${link.kind}\u0000${link.anchor}`);
      links.set(value, link);
    }
  }
  return links;
}

const OWN_ID =
  /^(\[[A-Z][A-Z0-9_]{0,47}_([0-9A-HJKMNP-TV-Z]{6,12}))(?:~[0-9A-HJKMNP-TV-Z]{6,12})?\]$/;

/** The own id of a placeholder token `[TYPE_ID]` or `[TYPE_ID~ANCHOR]`, or undefined. */
export function plainTokenId(token: string): string | undefined {
  return OWN_ID.exec(token)?.[2];
}

/**
 * The linked token for a mention, from its anchor's plain token. `given`/`family` forms are fixed
 * by the anchor's own id (a relative's given name: `[PERSON_M4T8ZA.given]`); a `relative` takes its own fresh plain token (`own`) and adds the anchor's id.
 * Undefined when the anchor's token is not a plain placeholder (e.g. format-preserving).
 */
export function linkedToken(
  kind: NameLinkKind,
  anchorToken: string,
  own?: string,
): string | undefined {
  const anchorId = plainTokenId(anchorToken);
  if (anchorId === undefined) return undefined;
  if (kind !== 'relative') return `${OWN_ID.exec(anchorToken)![1]}.${kind}]`;
  if (own === undefined || !/^\[[A-Z][A-Z0-9_]{0,47}_[0-9A-HJKMNP-TV-Z]{6,12}\]$/.test(own))
    return undefined;
  return `${own.slice(0, -1)}~${anchorId}]`;
}

/** The value the blind index of a linked entry is computed over: link kind, anchor and form. */
export function linkedIndexValue(link: NameLink): string {
  return `\u0001link:${link.kind}\u0000${link.anchor}\u0000${link.value}`;
}

/**
 * The linked given/family forms a full name may have in the vault, as written in the full name
 * (forgetting `Margaret O'Connell` also forgets `[PERSON_X.given]` = `Margaret`). A form linked in
 * another case (`MARGARET`) is not derivable from the full name and is not listed.
 */
export function linkedFormsOf(fullName: string): NameLink[] {
  const words = nameWords(fullName);
  if (words.length < 2) return [];
  return [
    { value: words[0], anchor: fullName, kind: 'given' },
    { value: words[words.length - 1], anchor: fullName, kind: 'family' },
  ];
}
