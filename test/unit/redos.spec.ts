/**
 * Every built-in pattern runs over untrusted text on the request path: each must match in
 * linear time. recheck (npm, its linux-x64 binary) proves a regex safe or finds an attack
 * string; a pattern it calls vulnerable, or cannot decide within the time limit, fails here.
 * Not covered: EmailRecognizer, PhoneNumberRecognizer and ApiKeyRecognizer, which are code
 * (and libphonenumber), not pattern lists; the NER tokenizer, likewise.
 */
import { checkSync } from 'recheck';
import { ORG_TAIL } from '../../src/detection/name-filters';
import { PATTERN_RECOGNIZERS } from '../../src/detection/recognizers';
import { PatternRecognizer } from '../../src/detection/recognizers/pattern-recognizer';
import { STREET_ADDRESS_REGEXES } from '../../src/detection/recognizers/street-address';

const CHECK_TIMEOUT_MS = 90_000;

function builtinPatterns(): [string, RegExp][] {
  const out: [string, RegExp][] = [];
  for (const r of PATTERN_RECOGNIZERS) {
    if (r instanceof PatternRecognizer)
      for (const p of r.patterns) out.push([`${r.name}/${p.name}`, p.regex]);
  }
  STREET_ADDRESS_REGEXES.forEach((re, i) => out.push([`StreetAddressRecognizer/${i}`, re]));
  out.push(['name-filters/ORG_TAIL', ORG_TAIL]);
  return out;
}

describe('every built-in pattern is linear-time (recheck)', () => {
  const patterns = builtinPatterns();

  it('covers the pattern recognizers (an empty list cannot pass)', () => {
    expect(patterns.length).toBeGreaterThan(80);
  });

  it('flags a known catastrophic pattern (the checker works here)', () => {
    expect(checkSync('^(a+)+$', '').status).toBe('vulnerable');
  });

  it.each(patterns)(
    '%s',
    (_name, re) => {
      // g and d change what is reported, not how the automaton matches.
      const result = checkSync(re.source, re.flags.replace(/[gd]/g, ''), {
        timeout: CHECK_TIMEOUT_MS,
      });
      expect({
        status: result.status,
        attack: result.status === 'vulnerable' ? result.attack.string : undefined,
      }).toEqual({ status: 'safe', attack: undefined });
    },
    CHECK_TIMEOUT_MS + 30_000,
  );
});
