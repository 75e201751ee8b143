import OpenAI from 'openai';
import { randomBytes, randomInt } from 'node:crypto';
import { askChat } from './support/openai-chat';
import { FakeUpstream, tokensIn } from './support/fake-upstream';
import { luhnComplete } from './support/luhn';
import { ADMIN_KEY, createDatabase, createKey, newMasterKey, Service } from './support/service';

const GATEWAY = '/v1/gateway/openai/v1';
const MAX_TOKENS = 100;

interface AuditEvents {
  events: { action: string; details: Record<string, unknown> }[];
}

const newCard = () => luhnComplete(`4${String(randomInt(10 ** 13, 10 ** 14 - 1))}`);
/** Format-preserving card tokens keep the layout and start with IIN 999. */
const FP_CARD = /\b999\d{13}\b/g;

describe('LLM gateway: format-preserving tokens and the conversation cap, over real HTTP', () => {
  let fake: FakeUpstream;
  let service: Service;
  let supportKey: string;

  const client = (key: string, conversation?: string) =>
    new OpenAI({
      apiKey: key,
      baseURL: `${service.baseUrl}${GATEWAY}`,
      maxRetries: 0,
      defaultHeaders: conversation ? { 'X-PII-Vault-Conversation': conversation } : {},
    });

  /** The last user message the model got. */
  const lastPrompt = (): string => {
    const messages = fake.last().body.messages as { role: string; content: string }[];
    return messages[messages.length - 1].content;
  };

  /** A card's format-preserving token, minted by tokenizing it through the gateway. */
  async function fpTokenOf(card: string, conversation?: string): Promise<string> {
    fake.reply = () => ({ content: 'ok' });
    await askChat(client(ADMIN_KEY, conversation), `Card ${card}.`);
    const tokens = lastPrompt().match(FP_CARD) ?? [];
    expect(tokens).toHaveLength(1);
    return tokens[0]!;
  }

  beforeAll(async () => {
    fake = await FakeUpstream.start();
    const db = await createDatabase('gwconv');
    service = await Service.start({
      databaseUrl: db.url,
      masterKey: newMasterKey(),
      env: {
        PII_VAULT_UPSTREAM_URL: fake.url,
        PII_VAULT_UPSTREAM_API_KEY: 'sk-upstream-test-key',
        PII_VAULT_GATEWAY_ALLOWED_UPSTREAMS: '127.0.0.1',
        PII_VAULT_CONVERSATION_MAX_TOKENS: String(MAX_TOKENS),
      },
    });
    const put = await service.request('PUT', '/v1/policies/default', {
      body: {
        tokens: { CREDIT_CARD: { format: 'format_preserving' } },
        access: { admin: { '*': 'full' }, support: { EMAIL_ADDRESS: 'full', '*': 'deny' } },
      },
    });
    expect(put.status).toBe(200);
    supportKey = await createKey(service, ['support']);
  });

  afterAll(async () => {
    await fake?.stop();
    const stopped = service?.stop();
    const timer = setTimeout(() => void service?.stop('SIGKILL'), 10_000);
    await stopped;
    clearTimeout(timer);
  }, 30_000);

  it('restores the format-preserving tokens a request sent, streamed at every split, and leaves a foreign one as written', async () => {
    const card = newCard();
    const foreign = await fpTokenOf(newCard());
    fake.reply = (body) => {
      const messages = body.messages as { content: string }[];
      const [token] = messages[messages.length - 1].content.match(FP_CARD) ?? [];
      return { content: `Refunded ${token}, not ${foreign}.` };
    };
    expect(await askChat(client(ADMIN_KEY), `Refund card ${card}.`)).toBe(
      `Refunded ${card}, not ${foreign}.`,
    );
    expect(fake.everything).not.toContain(card);
    const [sent] = lastPrompt().match(FP_CARD)!;
    const answer = `Refunded ${sent}, not ${foreign}.`;
    for (let cut = 1; cut < answer.length; cut++) {
      fake.reply = () => ({ content: answer, cuts: [cut] });
      expect(await askChat(client(ADMIN_KEY), `Refund card ${card}.`, true)).toBe(
        `Refunded ${card}, not ${foreign}.`,
      );
    }
    // The foreign look-alike was never looked up: no audit row names it.
    const audit = await service.request<AuditEvents>('GET', '/v1/audit?limit=500');
    expect(JSON.stringify(audit.body.events)).not.toContain(foreign);
    expect(JSON.stringify(audit.body.events)).toContain(sent);
  });

  it('shows a format-preserving token only to a role allowed to see the type', async () => {
    const card = newCard();
    fake.reply = (body) => {
      const messages = body.messages as { content: string }[];
      return { content: `Echo: ${messages[messages.length - 1].content}` };
    };
    const text = await askChat(client(supportKey), `Card ${card}.`);
    expect(text).toMatch(/^Echo: Card 999\d{13}\.$/);
    expect(text).not.toContain(card);
  });

  it('restores a format-preserving token an earlier request of the conversation sent, in no other conversation', async () => {
    const card = newCard();
    const conversation = `fp-${randomBytes(4).toString('hex')}`;
    const token = await fpTokenOf(card, conversation);
    fake.reply = () => ({ content: `Your card ${token} is refunded.` });
    expect(await askChat(client(ADMIN_KEY, conversation), 'Is it done?')).toBe(
      `Your card ${card} is refunded.`,
    );
    expect(await askChat(client(ADMIN_KEY, conversation), 'Is it done?', true)).toBe(
      `Your card ${card} is refunded.`,
    );
    expect(await askChat(client(ADMIN_KEY, `${conversation}-other`), 'Is it done?')).toBe(
      `Your card ${token} is refunded.`,
    );
  });

  it(`keeps at most ${MAX_TOKENS} tokens per conversation, dropping those sent longest ago`, async () => {
    const conversation = `cap-${randomBytes(4).toString('hex')}`;
    const tag = randomBytes(3).toString('hex');
    const emails = (from: number) =>
      Array.from({ length: 60 }, (_, i) => `user${from + i}.${tag}@example.org`);
    const sent: string[] = [];
    fake.reply = () => ({ content: 'ok' });
    for (const batch of [emails(0), emails(60)]) {
      await askChat(client(ADMIN_KEY, conversation), `Write to ${batch.join(', ')}.`);
      const tokens = tokensIn(lastPrompt());
      expect(tokens).toHaveLength(60);
      sent.push(...tokens);
    }
    const check = await service.post<{ tokens: { token: string; outcome: string }[] }>(
      '/v1/detokenize',
      { tokens: sent, conversation },
    );
    expect(check.status).toBe(200);
    const outcomes = sent.map((t) => check.body.tokens.find((r) => r.token === t)!.outcome);
    // 120 sent, 100 kept: the first 20 of the first request are gone, everything later is kept.
    expect(outcomes.slice(0, 20).every((o) => o === 'foreign')).toBe(true);
    expect(outcomes.slice(20).every((o) => o === 'revealed')).toBe(true);

    // Sending a dropped token again brings it back (and drops the next oldest).
    await askChat(client(ADMIN_KEY, conversation), `Write to ${emails(0)[0]}.`);
    const again = await service.post<{ tokens: { token: string; outcome: string }[] }>(
      '/v1/detokenize',
      { tokens: [sent[0], sent[20]], conversation },
    );
    expect(again.body.tokens.map((r) => r.outcome)).toEqual(['revealed', 'foreign']);
  });
});
