import OpenAI from 'openai';
import { askChat } from './support/openai-chat';
import { FakeUpstream } from './support/fake-upstream';
import { ADMIN_KEY, createDatabase, newMasterKey, Service } from './support/service';

const PERSON_TOKEN =
  /\[PERSON_[0-9A-HJKMNP-TV-Z]{6,12}(?:\.given|\.family|~[0-9A-HJKMNP-TV-Z]{6,12})?\]/g;

const GATEWAY = '/v1/gateway/openai/v1';
const TEXT = "Margaret O'Connell called. Margaret said Daniel O'Connell would pay.";

describe('LLM gateway: linked name tokens, official openai client, real HTTP', () => {
  let fake: FakeUpstream;
  let service: Service;
  let admin: OpenAI;

  beforeAll(async () => {
    fake = await FakeUpstream.start();
    const db = await createDatabase('gwnames');
    service = await Service.start({
      databaseUrl: db.url,
      masterKey: newMasterKey(),
      env: {
        PII_VAULT_UPSTREAM_URL: fake.url,
        PII_VAULT_UPSTREAM_API_KEY: 'sk-upstream-test-key',
        PII_VAULT_GATEWAY_ALLOWED_UPSTREAMS: '127.0.0.1',
      },
    });
    admin = new OpenAI({
      apiKey: ADMIN_KEY,
      baseURL: `${service.baseUrl}${GATEWAY}`,
      maxRetries: 0,
    });
  });

  afterAll(async () => {
    await fake?.stop();
    // Graceful shutdown waits for the client's keep-alive sockets; after 10 s, stop it hard.
    const stopped = service?.stop();
    const timer = setTimeout(() => void service?.stop('SIGKILL'), 10_000);
    await stopped;
    clearTimeout(timer);
  }, 30_000);

  it('the model sees linked tokens and the client gets the names back, streamed at every split', async () => {
    // The fake model echoes the last user message it got.
    let seenPrompt = '';
    const echo = (cuts: number[]) => {
      fake.reply = (body) => {
        const messages = body.messages as { role: string; content: string }[];
        seenPrompt = messages[messages.length - 1].content;
        return { content: `Echo: ${seenPrompt}`, cuts };
      };
    };
    echo([]);
    const completion = await admin.chat.completions.create({
      model: 'fake',
      messages: [{ role: 'user', content: TEXT }],
    });
    expect(completion.choices[0].message.content).toBe(`Echo: ${TEXT}`);
    expect(fake.everything).not.toMatch(/Margaret|O'Connell|Daniel/);
    const match =
      /^\[PERSON_(\w{8})\] called\. \[PERSON_(\w{8})\.given\] said \[PERSON_(\w{8})~(\w{8})\] would pay\.$/.exec(
        seenPrompt,
      );
    expect(match).not.toBeNull();
    const [, fullId, givenOf, relativeId, familyOf] = match!;
    expect(givenOf).toBe(fullId);
    expect(familyOf).toBe(fullId);
    expect(relativeId).not.toBe(fullId);

    // Streaming: the linked tokens split at every position still come back as the names.
    const answer = `Echo: ${seenPrompt}`;
    for (let cut = 1; cut < answer.length; cut++) {
      echo([cut]);
      const stream = await admin.chat.completions.create({
        model: 'fake',
        stream: true,
        messages: [{ role: 'user', content: TEXT }],
      });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      expect(text).toBe(`Echo: ${TEXT}`);
    }
  });

  describe('across the requests of one conversation', () => {
    const client = (key: string, conversation: string) =>
      new OpenAI({
        apiKey: key,
        baseURL: `${service.baseUrl}${GATEWAY}`,
        maxRetries: 0,
        defaultHeaders: { 'X-PII-Vault-Conversation': conversation },
      });

    /** The fake model echoes the last user message, then every person token the request held. */
    const echoWithTokens = (cuts: number[] = []): { prompts: string[] } => {
      const seen = { prompts: [] as string[] };
      fake.reply = (body) => {
        const messages = body.messages as { role: string; content: string }[];
        const prompt = messages[messages.length - 1].content;
        seen.prompts.push(prompt);
        return { content: `Echo: ${prompt}`, cuts };
      };
      return seen;
    };

    const FIRST = 'Eleanor Whitfield opened a ticket about her invoice.';
    const SECOND = 'Later Eleanor wrote that Thomas Whitfield would pay it.';

    it('a later request links a given name and a relative to the full name an earlier one sent', async () => {
      const seen = echoWithTokens();
      const conversation = client(ADMIN_KEY, 'ticket-4711');
      expect(await askChat(conversation, FIRST)).toBe(`Echo: ${FIRST}`);
      const first = /^\[PERSON_(\w{8})\] opened a ticket/.exec(seen.prompts[0]);
      expect(first).not.toBeNull();
      const fullId = first![1];

      // The second request carries no full name for Eleanor: it still links, and the model's
      // answer (echoing the earlier request's token too) comes back as the exact names.
      fake.reply = (body) => {
        const messages = body.messages as { role: string; content: string }[];
        const prompt = messages[messages.length - 1].content;
        seen.prompts.push(prompt);
        return { content: `Echo: ${prompt} (re [PERSON_${fullId}])` };
      };
      expect(await askChat(conversation, SECOND)).toBe(`Echo: ${SECOND} (re Eleanor Whitfield)`);
      expect(seen.prompts[1]).toMatch(
        new RegExp(
          `^Later \\[PERSON_${fullId}\\.given\\] wrote that \\[PERSON_\\w{8}~${fullId}\\] would pay it\\.$`,
        ),
      );
      expect(fake.everything).not.toMatch(/Eleanor|Whitfield|Thomas/);

      // Streamed, split inside the linked tokens: the same tokens go up, the names come back.
      const streamed = echoWithTokens([17, 30]);
      expect(await askChat(conversation, SECOND, true)).toBe(`Echo: ${SECOND}`);
      expect(streamed.prompts[0]).toBe(seen.prompts[1]);
    });

    it('another conversation, or the same conversation id under another key, links nothing', async () => {
      const seen = echoWithTokens();
      const linked = client(ADMIN_KEY, 'ticket-4711');
      await askChat(linked, FIRST);
      await askChat(linked, SECOND);
      const linkedTokens = seen.prompts[1].match(PERSON_TOKEN) ?? [];
      expect(linkedTokens).toHaveLength(2);

      const otherKey = await service.request<{ key: string }>('POST', '/v1/admin/api-keys', {
        body: { name: 'names-other', roles: ['admin'] },
      });
      expect(otherKey.status).toBe(201);
      for (const other of [
        client(ADMIN_KEY, 'ticket-4712'),
        client(otherKey.body.key, 'ticket-4711'),
      ]) {
        expect(await askChat(other, SECOND)).toBe(`Echo: ${SECOND}`);
        const prompt = seen.prompts[seen.prompts.length - 1];
        const tokens = prompt.match(PERSON_TOKEN) ?? [];
        expect(tokens).toHaveLength(2);
        // Plain tokens, neither linked nor the ones the first conversation got.
        for (const token of tokens) {
          expect(token).toMatch(/^\[PERSON_\w{8}\]$/);
          expect(linkedTokens).not.toContain(token);
        }
      }
    });
  });
});
