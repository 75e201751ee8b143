/**
 * Visits the matches of a global regex in `text`: the same matches, in the same order, as
 * `text.matchAll(regex)`, without the regex clone matchAll makes on every call (with ~80
 * patterns run per detect call, the clones cost as much as the scans on short texts).
 *
 * The scan position lives in a local variable and is written to `lastIndex` before each exec,
 * so a visitor that runs the same regex again (a nested call) cannot disturb this scan; the
 * regex's lastIndex is left at 0, as matchAll leaves it. Return `false` from `visit` to stop.
 */
export function forEachMatch(
  regex: RegExp,
  text: string,
  visit: (match: RegExpExecArray) => boolean | void,
): void {
  // As matchAll: a regex without the g flag would match at 0 forever.
  if (!regex.global) throw new TypeError('forEachMatch needs a global regex');
  let pos = 0;
  try {
    for (;;) {
      regex.lastIndex = pos;
      const m = regex.exec(text);
      if (m === null) return;
      pos = regex.lastIndex;
      // An empty match advances by one (code point with u/v), as String.prototype.matchAll does.
      if (m[0] === '') pos = advance(text, pos, regex.unicode || regex.flags.includes('v'));
      if (visit(m) === false) return;
    }
  } finally {
    regex.lastIndex = 0;
  }
}

function advance(text: string, index: number, fullUnicode: boolean): number {
  if (!fullUnicode || index + 1 >= text.length) return index + 1;
  const c = text.charCodeAt(index);
  if (c < 0xd800 || c > 0xdbff) return index + 1;
  const d = text.charCodeAt(index + 1);
  return d >= 0xdc00 && d <= 0xdfff ? index + 2 : index + 1;
}
