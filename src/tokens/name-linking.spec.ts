import { findPlaceholders, EntityTypeNames } from './placeholder-grammar';
import { linkedToken, linkNames } from './name-linking';
import { findTokens, tokenType } from './token-format';

describe('linkNames', () => {
  it('links a given name and a shared family name to the first full name', () => {
    const links = linkNames([
      "Margaret O'Connell",
      'Margaret',
      "Daniel O'Connell",
      "O'Connell",
      'Daniel',
    ]);
    expect(links.get("Margaret O'Connell")).toBeUndefined();
    expect(links.get('Margaret')).toEqual({
      value: 'Margaret',
      anchor: "Margaret O'Connell",
      kind: 'given',
    });
    expect(links.get("Daniel O'Connell")?.kind).toBe('relative');
    expect(links.get("Daniel O'Connell")?.anchor).toBe("Margaret O'Connell");
    expect(links.get("O'Connell")).toMatchObject({ anchor: "Margaret O'Connell", kind: 'family' });
    expect(links.get('Daniel')).toMatchObject({ anchor: "Daniel O'Connell", kind: 'given' });
  });

  it('does not link a mention seen before any full name, or an unrelated one', () => {
    const links = linkNames(['Margaret', "Margaret O'Connell", 'Peter', 'Peter Smith']);
    expect(links.size).toBe(0);
  });

  it('links only one surface form per anchor and kind', () => {
    const links = linkNames(['Ann Lee', 'Ann', 'ANN']);
    expect(links.get('Ann')?.kind).toBe('given');
    expect(links.get('ANN')).toBeUndefined();
  });
});

describe('linkedToken', () => {
  it('derives given/family forms from the anchor and adds the anchor id to a relative', () => {
    expect(linkedToken('given', '[PERSON_7QX2KDAB]')).toBe('[PERSON_7QX2KDAB.given]');
    expect(linkedToken('family', '[PERSON_7QX2KDAB]')).toBe('[PERSON_7QX2KDAB.family]');
    expect(linkedToken('relative', '[PERSON_7QX2KDAB]', '[PERSON_M4T8ZA00]')).toBe(
      '[PERSON_M4T8ZA00~7QX2KDAB]',
    );
    expect(linkedToken('given', '[PERSON_M4T8ZA00~7QX2KDAB]')).toBe('[PERSON_M4T8ZA00.given]');
    expect(linkedToken('given', '4111-1111-1111-1111')).toBeUndefined();
  });

  it('yields tokens the token grammar and the placeholder grammar read back whole', () => {
    const types = new EntityTypeNames(['PERSON']);
    for (const token of [
      '[PERSON_7QX2KDAB.given]',
      '[PERSON_7QX2KDAB.family]',
      '[PERSON_M4T8ZA00~7QX2KDAB]',
    ]) {
      expect(tokenType(token)).toBe('PERSON');
      expect(findTokens(`x ${token} y`).map((t) => t.token)).toEqual([token]);
      const [match] = findPlaceholders(`x ${token} y`, types.isKnown);
      expect(match).toMatchObject({ token, mangled: false });
    }
    // A mangled linked form names the linked token, never the anchor's full name.
    const [mangled] = findPlaceholders('said [person 7qx2kdab.given]', types.isKnown);
    expect(mangled).toMatchObject({ token: '[PERSON_7QX2KDAB.given]', mangled: true });
    const [bare] = findPlaceholders('PERSON_M4T8ZA00~7QX2KDAB paid', types.isKnown);
    expect(bare.token).toBe('[PERSON_M4T8ZA00~7QX2KDAB]');
  });
});

describe('linkNames after the names earlier requests of a conversation sent', () => {
  it('links a given name and a relative to an earlier full name, as if the history were resent', () => {
    const earlier = ["Margaret O'Connell"];
    const links = linkNames(['Margaret', "Daniel O'Connell"], earlier);
    expect(links.get('Margaret')).toEqual({
      value: 'Margaret',
      anchor: "Margaret O'Connell",
      kind: 'given',
    });
    expect(links.get("Daniel O'Connell")).toMatchObject({
      anchor: "Margaret O'Connell",
      kind: 'relative',
    });
  });

  it('gives a mention the same link it got earlier, and no second form the same link', () => {
    const earlier = ["Margaret O'Connell", 'Margaret', "Daniel O'Connell"];
    const links = linkNames(["Daniel O'Connell", 'MARGARET', 'Margaret'], earlier);
    expect(links.get("Daniel O'Connell")?.kind).toBe('relative');
    expect(links.get('Margaret')?.kind).toBe('given');
    // `Margaret` took the given-name link earlier: `MARGARET` stays unlinked (no token clash).
    expect(links.has('MARGARET')).toBe(false);
  });

  it('links nothing without earlier names', () => {
    expect(linkNames(['Margaret', "Daniel O'Connell"], []).size).toBe(0);
  });
});
