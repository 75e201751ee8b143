import { findTokens, mintPlaceholderToken, TOKEN_PATTERN, tokenType } from './token-format';

describe('placeholder tokens', () => {
  it('show their entity type and match the one documented pattern', () => {
    for (const type of ['PERSON', 'US_SSN', 'EMAIL_ADDRESS', 'EMPLOYEE_ID']) {
      const token = mintPlaceholderToken(type);
      expect(token).toMatch(new RegExp(`^${TOKEN_PATTERN.source}$`));
      expect(tokenType(token)).toBe(type);
      expect(token).not.toMatch(/\s/);
    }
  });

  it('are found in a model answer with exact offsets, also after emoji', () => {
    const text = '👋 [PERSON_7QX2KD] emailed [PERSON_7QX2KD] about [US_SSN_M3P9TA].';
    const found = findTokens(text);
    expect(found.map((f) => f.token)).toEqual([
      '[PERSON_7QX2KD]',
      '[PERSON_7QX2KD]',
      '[US_SSN_M3P9TA]',
    ]);
    for (const f of found) expect(text.slice(f.start, f.end)).toBe(f.token);
  });

  it('ignore look-alikes: lowercase ids, ambiguous letters, missing brackets', () => {
    expect(tokenType('[PERSON_7qx2kd]')).toBeUndefined();
    expect(tokenType('[PERSON_ILOU12]')).toBeUndefined();
    expect(tokenType('PERSON_7QX2KD')).toBeUndefined();
    expect(findTokens('[person_7QX2KD] [PERSON_7QX]')).toEqual([]);
  });
});
