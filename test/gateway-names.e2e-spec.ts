import OpenAI from 'openai';
import { FakeUpstream } from './support/fake-upstream';
import { ADMIN_KEY, createDatabase, newMasterKey, Service } from './support/service';

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
});
