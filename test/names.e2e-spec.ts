import { createDatabase, createKey, newMasterKey, Service } from './support/service';

interface Tokenized {
  text: string;
  entities: { type: string; start: number; end: number; token: string; score: number }[];
}
interface Detokenized {
  text?: string;
  tokens: { token: string; type: string | null; outcome: string; value?: string }[];
}

const TEXT = "Margaret O'Connell called. Margaret said Daniel O'Connell would pay.";

describe('linked name tokens over HTTP on a real PostgreSQL', () => {
  let service: Service;

  beforeAll(async () => {
    const db = await createDatabase('names');
    service = await Service.start({ databaseUrl: db.url, masterKey: newMasterKey() });
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('links a given-name mention and a shared surname; detokenize restores each exact form', async () => {
    const tokenized = await service.post<Tokenized>('/v1/tokenize', { text: TEXT });
    expect(tokenized.status).toBe(200);
    const byValue = new Map(
      tokenized.body.entities.map((e) => [TEXT.slice(e.start, e.end), e.token]),
    );
    const full = byValue.get("Margaret O'Connell")!;
    const given = byValue.get('Margaret')!;
    const relative = byValue.get("Daniel O'Connell")!;
    const fullId = /^\[PERSON_([0-9A-HJKMNP-TV-Z]{8})\]$/.exec(full)![1];
    expect(given).toBe(`[PERSON_${fullId}.given]`);
    expect(relative).toMatch(new RegExp(`^\\[PERSON_[0-9A-HJKMNP-TV-Z]{8}~${fullId}\\]$`));
    expect(tokenized.body.text).toBe(`${full} called. ${given} said ${relative} would pay.`);
    for (const name of ['Margaret', "O'Connell", 'Daniel'])
      expect(tokenized.body.text).not.toContain(name);

    // The same full name in a later request gets the same token, and so do the linked forms.
    const again = await service.post<Tokenized>('/v1/tokenize', { text: TEXT });
    expect(again.body.text).toBe(tokenized.body.text);

    const restored = await service.post<Detokenized>('/v1/detokenize', {
      text: tokenized.body.text,
    });
    expect(restored.status).toBe(200);
    expect(restored.body.text).toBe(TEXT);
    expect(restored.body.tokens.map((t) => t.outcome)).toEqual([
      'revealed',
      'revealed',
      'revealed',
    ]);

    // The attack: a role without reveal rights learns nothing beyond the placeholders.
    const detokenizer = await createKey(service, ['detokenizer']);
    const denied = await service.post<Detokenized>(
      '/v1/detokenize',
      { text: tokenized.body.text },
      detokenizer,
    );
    expect(denied.status).toBe(200);
    expect(denied.body.text).toBe(tokenized.body.text);
    expect(denied.body.tokens.every((t) => t.outcome === 'denied' && t.value === undefined)).toBe(
      true,
    );
    expect(JSON.stringify(denied.body)).not.toMatch(/Margaret|O'Connell|Daniel/);

    // A made-up link on a real id names no entry: it does not reveal the anchor's full name.
    const forged = await service.post<Detokenized>('/v1/detokenize', {
      text: `[PERSON_${fullId}.family]`,
    });
    expect(forged.body.text).toBe(`[PERSON_${fullId}.family]`);
    expect(forged.body.tokens[0].outcome).toBe('unknown');
  });

  it('forgetting a full name by value also forgets its linked given and family forms', async () => {
    const text = 'Ingrid Halvorsen phoned; Halvorsen and Ingrid both agreed.';
    const tokenized = await service.post<Tokenized>('/v1/tokenize', { text });
    const byValue = new Map(
      tokenized.body.entities.map((e) => [text.slice(e.start, e.end), e.token]),
    );
    expect(byValue.get('Ingrid')).toMatch(/\.given\]$/);
    expect(byValue.get('Halvorsen')).toMatch(/\.family\]$/);
    const forgot = await service.post<{ deleted: number }>('/v1/forget', {
      value: 'Ingrid Halvorsen',
      type: 'PERSON',
    });
    expect(forgot.status).toBe(200);
    expect(forgot.body.deleted).toBe(3);
    const after = await service.post<Detokenized>('/v1/detokenize', { text: tokenized.body.text });
    expect(after.body.text).toBe(tokenized.body.text);
    expect(after.body.tokens.map((t) => t.outcome)).toEqual(['unknown', 'unknown', 'unknown']);
  });
});
