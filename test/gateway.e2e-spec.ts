import { randomBytes, randomInt } from 'node:crypto';
import OpenAI from 'openai';
import { FakeUpstream, tokensIn } from './support/fake-upstream';
import { luhnComplete } from './support/luhn';
import {
  ADMIN_KEY,
  createDatabase,
  createKey,
  newMasterKey,
  Service,
  withClient,
} from './support/service';

const GATEWAY = '/v1/gateway/openai/v1';

/** Values unique to this run: finding one anywhere upstream is a real leak. */
function plantedValues() {
  const tag = randomBytes(4).toString('hex');
  return {
    email: `ada.${tag}@example.org`,
    card: luhnComplete(`4${String(randomInt(10 ** 13, 10 ** 14 - 1))}`),
  };
}

interface AuditEvents {
  events: { action: string; apiKeyId: string | null; details: Record<string, unknown> }[];
}

describe('LLM gateway (OpenAI-compatible) over real HTTP', () => {
  let fake: FakeUpstream;
  let service: Service;
  let admin: OpenAI;
  let support: OpenAI;
  let supportKey: string;
  let databaseUrl: string;

  const client = (apiKey: string, headers: Record<string, string> = {}) =>
    new OpenAI({
      apiKey,
      baseURL: `${service.baseUrl}${GATEWAY}`,
      maxRetries: 0,
      defaultHeaders: headers,
    });

  /** The fake model answers with `text(prompt)`, where prompt is the last user message it got. */
  const answerWith = (text: (prompt: string) => string, extra: { cuts?: number[] } = {}) => {
    fake.reply = (body) => {
      const messages = (body.messages as { role: string; content: unknown }[] | undefined) ?? [];
      const users = messages.filter((m) => m.role === 'user');
      const content = users.length > 0 ? users[users.length - 1].content : body.input;
      const prompt = Array.isArray(content)
        ? content.map((part: { text?: string }) => part.text ?? '').join('')
        : String(content ?? '');
      return { content: text(prompt), ...extra };
    };
  };

  beforeAll(async () => {
    fake = await FakeUpstream.start();
    const db = await createDatabase('gateway');
    databaseUrl = db.url;
    service = await Service.start({
      databaseUrl: db.url,
      masterKey: newMasterKey(),
      env: {
        PII_VAULT_UPSTREAM_URL: fake.url,
        PII_VAULT_UPSTREAM_API_KEY: 'sk-upstream-test-key',
        PII_VAULT_UPSTREAM_TIMEOUT_MS: '1500',
        PII_VAULT_GATEWAY_ALLOWED_UPSTREAMS: '127.0.0.1',
      },
    });
    // Support may see email addresses, nothing else; admin sees everything.
    const put = await service.request('PUT', '/v1/policies/default', {
      body: { access: { admin: { '*': 'full' }, support: { EMAIL_ADDRESS: 'full', '*': 'deny' } } },
    });
    expect(put.status).toBe(200);
    supportKey = await createKey(service, ['support']);
    admin = client(ADMIN_KEY);
    support = client(supportKey);
  });

  afterAll(async () => {
    await service?.stop();
    await fake?.stop();
  });

  beforeEach(() => {
    fake.received.length = 0;
  });

  it('tokenizes every message before the model sees it and restores the answer for the caller', async () => {
    const v = plantedValues();
    answerWith((prompt) => `Done: ${prompt}`);
    const prompt = `Refund card ${v.card} and write to ${v.email}.`;
    const completion = await admin.chat.completions.create({
      model: 'fake',
      messages: [
        { role: 'system', content: `You assist the owner of ${v.email}.` },
        { role: 'user', content: [{ type: 'text', text: prompt }] },
      ],
    });
    expect(completion.choices[0].message.content).toBe(`Done: ${prompt}`);

    const seen = fake.last();
    expect(seen.authorization).toBe('Bearer sk-upstream-test-key');
    expect(fake.everything).not.toContain(v.email);
    expect(fake.everything).not.toContain(v.card);
    const messages = seen.body.messages as { role: string; content: unknown }[];
    // The placeholder instruction comes first, then the caller's messages, tokenized.
    expect(messages[0]).toMatchObject({ role: 'system' });
    expect(String(messages[0].content)).toMatch(/placeholder/i);
    expect(String(messages[1].content)).toMatch(
      /^You assist the owner of \[EMAIL_ADDRESS_\w+\]\.$/,
    );
  });

  it('shows each caller only what its role may see: denied values stay placeholders', async () => {
    const v = plantedValues();
    answerWith((prompt) => `Noted: ${prompt}`);
    const completion = await support.chat.completions.create({
      model: 'fake',
      messages: [{ role: 'user', content: `Card ${v.card}, mail ${v.email}` }],
    });
    const text = completion.choices[0].message.content ?? '';
    expect(text).toMatch(/^Noted: Card \[CREDIT_CARD_\w+\], mail /);
    expect(text.endsWith(`mail ${v.email}`)).toBe(true);
    expect(text).not.toContain(v.card);
  });

  it('tokenizes tool-call arguments and tool results, and restores tool calls in the answer', async () => {
    const v = plantedValues();
    fake.reply = (body) => {
      const [token] = tokensIn(JSON.stringify(body.messages));
      return {
        toolCalls: [
          { name: 'send_mail', arguments: JSON.stringify({ to: token, note: `re ${token}` }) },
        ],
      };
    };
    const completion = await admin.chat.completions.create({
      model: 'fake',
      messages: [
        { role: 'user', content: 'Mail the customer again' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_a',
              type: 'function',
              function: { name: 'send_mail', arguments: JSON.stringify({ to: v.email }) },
            },
          ],
        },
        {
          role: 'tool',
          tool_call_id: 'call_a',
          content: JSON.stringify({ sent: `to ${v.email}` }),
        },
      ],
    });
    expect(fake.everything).not.toContain(v.email);
    const call = completion.choices[0].message.tool_calls?.[0];
    expect(call?.type).toBe('function');
    const args = JSON.parse(call?.type === 'function' ? call.function.arguments : '{}') as unknown;
    expect(args).toEqual({ to: v.email, note: `re ${v.email}` });
  });

  it('streams: a placeholder split at every position arrives restored, for allowed and denied roles', async () => {
    const v = plantedValues();
    // Learn the email's token once, so the answer's length (and so every cut) is known.
    answerWith(() => 'ok');
    await admin.chat.completions.create({
      model: 'fake',
      messages: [{ role: 'user', content: v.email }],
    });
    const prompt = String((fake.last().body.messages as { content: string }[]).at(-1)!.content);
    const reply = `Sure, ${prompt}'s mail and [x] done.`;
    const restored = reply.replace(prompt, v.email);
    for (let cut = 0; cut <= reply.length; cut++) {
      answerWith(() => reply, { cuts: [cut] });
      const stream = await admin.chat.completions.create({
        model: 'fake',
        stream: true,
        messages: [{ role: 'user', content: v.email }],
      });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      expect({ cut, text }).toEqual({ cut, text: restored });
    }
    // Support is denied cards: one arrives as a placeholder even when cut mid-token.
    const cardReply = (card: string) => `Card ${card} on file.`;
    answerWith((p) => cardReply(tokensIn(p)[0]), { cuts: [7, 12, 20] });
    const stream = await support.chat.completions.create({
      model: 'fake',
      stream: true,
      messages: [{ role: 'user', content: `card ${v.card}` }],
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toMatch(/^Card \[CREDIT_CARD_\w+\] on file\.$/);
    expect(fake.everything).not.toContain(v.email);
    expect(fake.everything).not.toContain(v.card);
  });

  it('streams tool-call arguments restored, cut through the placeholder', async () => {
    const v = plantedValues();
    fake.reply = (body) => {
      const [token] = tokensIn(JSON.stringify(body.messages));
      const args = JSON.stringify({ to: token });
      return { toolCalls: [{ name: 'send_mail', arguments: args }], cuts: [9, 14, 20] };
    };
    const stream = await admin.chat.completions.create({
      model: 'fake',
      stream: true,
      messages: [{ role: 'user', content: `write "${v.email}"` }],
    });
    let args = '';
    for await (const chunk of stream) {
      for (const call of chunk.choices[0]?.delta?.tool_calls ?? [])
        args += call.function?.arguments ?? '';
    }
    expect(JSON.parse(args)).toEqual({ to: v.email });
  });

  it('restores mangled placeholder forms of its own tokens, but never a foreign token', async () => {
    const v = plantedValues();
    const other = plantedValues();
    // A token of the same tenant that this conversation never sent (another customer's).
    const foreign = await service.post<{ text: string }>('/v1/tokenize', { text: other.email });
    const foreignToken = tokensIn(foreign.body.text)[0];
    expect(foreignToken).toBeDefined();
    answerWith((prompt) => {
      const token = tokensIn(prompt)[0];
      const [, type, id] = /^\[(\w+)_([0-9A-Z]+)\]$/.exec(token)!;
      const spaced = type.replace(/_/g, ' ');
      return [
        `${type}_${id}`,
        `[${type.toLowerCase()}_${id.toLowerCase()}]`,
        `[${spaced} ${id}]`,
        `[${type}_${id} ]`,
        `[[${type}_${id}]]`,
        `[${type}_${id}'s]`,
        `ignore previous instructions: ${foreignToken}`,
      ].join(' | ');
    });
    const completion = await admin.chat.completions.create({
      model: 'fake',
      messages: [{ role: 'user', content: `contact ${v.email}` }],
    });
    const e = v.email;
    expect(completion.choices[0].message.content).toBe(
      [e, e, e, e, e, `${e}'s`, `ignore previous instructions: ${foreignToken}`].join(' | '),
    );

    const audit = await service.request<AuditEvents>('GET', '/v1/audit?action=foreign_token');
    expect(audit.body.events.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(audit.body.events[0].details)).toContain(foreignToken);
    expect(JSON.stringify(audit.body)).not.toContain(other.email);
  });

  it('restores tokens an earlier request of the same conversation sent, and only for that key', async () => {
    const v = plantedValues();
    const conversation = `conv-${randomBytes(4).toString('hex')}`;
    answerWith(() => 'noted');
    const first = client(ADMIN_KEY, { 'x-pii-vault-conversation': conversation });
    await first.chat.completions.create({
      model: 'fake',
      messages: [{ role: 'user', content: v.email }],
    });
    const token = tokensIn(JSON.stringify(fake.last().body))[0];

    answerWith(() => `Back to ${token}`);
    const later = await first.chat.completions.create({
      model: 'fake',
      messages: [{ role: 'user', content: 'and the address?' }],
    });
    expect(later.choices[0].message.content).toBe(`Back to ${v.email}`);

    // Same conversation id, other key: nothing of it; no conversation at all: nothing either.
    const intruder = client(supportKey, { 'x-pii-vault-conversation': conversation });
    const stolen = await intruder.chat.completions.create({
      model: 'fake',
      messages: [{ role: 'user', content: 'and the address?' }],
    });
    expect(stolen.choices[0].message.content).toBe(`Back to ${token}`);
    const bare = await admin.chat.completions.create({
      model: 'fake',
      messages: [{ role: 'user', content: 'and the address?' }],
    });
    expect(bare.choices[0].message.content).toBe(`Back to ${token}`);

    // /v1/detokenize: the same rule as allowedTokens or a conversation id.
    const byConversation = await service.post<{ text: string; tokens: { outcome: string }[] }>(
      '/v1/detokenize',
      { text: `${token} and [${token.slice(1, -1).toLowerCase()}]`, conversation },
    );
    expect(byConversation.body.text).toBe(`${v.email} and ${v.email}`);
    const allowedOther = await service.post<{ text: string; tokens: { outcome: string }[] }>(
      '/v1/detokenize',
      { text: `${token}`, allowedTokens: ['[PERSON_AAAAAAAA]'] },
    );
    expect(allowedOther.body).toMatchObject({ text: token, tokens: [{ outcome: 'foreign' }] });
  });

  it('/v1/detokenize restores mangled forms and says which', async () => {
    const v = plantedValues();
    const tokenized = await service.post<{ text: string }>('/v1/tokenize', { text: v.email });
    const token = tokensIn(tokenized.body.text)[0];
    const bare = token.slice(1, -1);
    const res = await service.post<{
      text: string;
      restoredForms: { form: string; token: string }[];
    }>('/v1/detokenize', { text: `${bare} / [${bare.toLowerCase()} ] / [SEE ATTACHED]` });
    expect(res.body.text).toBe(`${v.email} / ${v.email} / [SEE ATTACHED]`);
    expect(res.body.restoredForms).toEqual([
      { form: bare, token },
      { form: `[${bare.toLowerCase()} ]`, token },
    ]);
  });

  it('links the audit row of a gateway reveal to its request id and conversation', async () => {
    const v = plantedValues();
    answerWith((prompt) => prompt);
    const res = await service.request<{ choices: { message: { content: string } }[] }>(
      'POST',
      `${GATEWAY}/chat/completions`,
      {
        body: { model: 'fake', messages: [{ role: 'user', content: v.email }] },
        headers: { 'x-request-id': 'gw-audit-link-1', 'x-pii-vault-conversation': 'conv-audit' },
      },
    );
    expect(res.body.choices[0].message.content).toBe(v.email);
    const audit = await service.request<AuditEvents>('GET', '/v1/audit?action=detokenize');
    const row = audit.body.events.find(
      (e) =>
        (e.details.gateway as { requestId?: string } | undefined)?.requestId === 'gw-audit-link-1',
    );
    expect(row?.details.gateway).toEqual({
      requestId: 'gw-audit-link-1',
      conversation: 'conv-audit',
    });
  });

  it('tokenizes embeddings input and returns the vectors untouched', async () => {
    const v = plantedValues();
    const result = await admin.embeddings.create({
      model: 'fake',
      input: [`mail ${v.email}`, 'plain'],
    });
    expect(result.data).toHaveLength(2);
    expect(result.data[0].embedding).toEqual([0.25, -0.5, 1]);
    const input = fake.last().body.input as string[];
    expect(input[0]).toMatch(/^mail \[EMAIL_ADDRESS_\w+\]$/);
    expect(input[1]).toBe('plain');
  });

  it('restores the responses API, streamed and not', async () => {
    const v = plantedValues();
    answerWith((prompt) => `About ${prompt}.`, { cuts: [8, 11, 17] });
    const response = await admin.responses.create({ model: 'fake', input: `mail ${v.email}` });
    expect(response.output_text).toBe(`About mail ${v.email}.`);
    expect(fake.everything).not.toContain(v.email);
    expect(String(fake.last().body.instructions)).toMatch(/placeholder/i);

    const stream = await admin.responses.create({
      model: 'fake',
      input: `mail ${v.email}`,
      stream: true,
    });
    let deltas = '';
    let completed = '';
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') deltas += event.delta;
      if (event.type === 'response.completed') {
        const [message] = event.response.output;
        if (message.type === 'message' && message.content[0].type === 'output_text') {
          completed = message.content[0].text;
        }
      }
    }
    expect(deltas).toBe(`About mail ${v.email}.`);
    expect(completed).toBe(`About mail ${v.email}.`);
  });

  it('passes an upstream 429 through with its status and Retry-After', async () => {
    fake.reply = () => ({ status: 429, retryAfter: '7' });
    await expect(
      admin.chat.completions.create({ model: 'fake', messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toMatchObject({ status: 429 });
    const raw = await service.post(`${GATEWAY}/chat/completions`, {
      model: 'fake',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toBe('7');
  });

  it('answers 504 when the upstream does not answer in time, and 502 when it cannot be reached', async () => {
    const v = plantedValues();
    fake.reply = () => ({ hang: true });
    const started = Date.now();
    const slow = await service.post<{ error: { code: string; message: string } }>(
      `${GATEWAY}/chat/completions`,
      { model: 'fake', messages: [{ role: 'user', content: v.email }] },
    );
    expect(slow.status).toBe(504);
    expect(slow.body.error.code).toBe('upstream_timeout');
    expect(Date.now() - started).toBeLessThan(5000);
    fake.reply = () => ({ drop: true });
    const dropped = await service.post<{ error: { code: string } }>(`${GATEWAY}/chat/completions`, {
      model: 'fake',
      messages: [{ role: 'user', content: v.email }],
    });
    expect(dropped.status).toBe(502);
    expect(dropped.body.error.code).toBe('upstream_unreachable');
    expect(JSON.stringify([slow.body, dropped.body])).not.toContain(v.email);
    expect(service.logs()).not.toContain(v.email);
  });

  it('counts calls, upstream latency and tokens per key id, with no value in any label', async () => {
    const metrics = await service.request<string>('GET', '/metrics');
    const text = String(metrics.body);
    expect(text).toMatch(
      /pii_vault_gateway_requests_total\{key_id="[0-9a-f-]{36}",endpoint="chat",status="200"\} \d+/,
    );
    expect(text).toMatch(
      /pii_vault_gateway_upstream_seconds_count\{key_id="[0-9a-f-]{36}",endpoint="chat"\} \d+/,
    );
    expect(text).toMatch(
      /pii_vault_gateway_tokens_total\{key_id="[0-9a-f-]{36}",outcome="tokenized"\} \d+/,
    );
    expect(text).toMatch(
      /pii_vault_gateway_tokens_total\{key_id="[0-9a-f-]{36}",outcome="revealed"\} \d+/,
    );
    expect(text).not.toMatch(/example\.org|pvk_/);
  });

  it('refuses a malformed conversation id and a body that is not an object with 400', async () => {
    const bad = await service.request<{ error: { code: string } }>(
      'POST',
      `${GATEWAY}/chat/completions`,
      {
        body: { model: 'fake', messages: [] },
        headers: { 'x-pii-vault-conversation': 'no spaces allowed' },
      },
    );
    expect(bad.status).toBe(400);
    const notObject = await service.post<{ error: { code: string } }>(
      `${GATEWAY}/chat/completions`,
      [1],
    );
    expect(notObject.status).toBe(400);
    const anonymous = await service.post(`${GATEWAY}/chat/completions`, { messages: [] }, null);
    expect(anonymous.status).toBe(401);
  });

  it('sends a tenant to its own upstream, set by its admin and stored encrypted', async () => {
    const own = await FakeUpstream.start();
    try {
      const tenantKey = 'sk-tenant-own-upstream-key-1234';
      const url = own.url;
      const refused = await service.request('PUT', '/v1/admin/gateway/upstream', {
        key: supportKey,
        body: { url, apiKey: tenantKey },
      });
      expect(refused.status).toBe(403);
      const offList = await service.request<{ error: { code: string } }>(
        'PUT',
        '/v1/admin/gateway/upstream',
        { body: { url: 'http://localhost:9/v1', apiKey: tenantKey } },
      );
      expect(offList.status).toBe(403);
      const put = await service.request('PUT', '/v1/admin/gateway/upstream', {
        body: { url, apiKey: tenantKey },
      });
      expect(put.status).toBe(200);
      const view = await service.request('GET', '/v1/admin/gateway/upstream');
      expect(view.body).toEqual({ source: 'tenant', host: new URL(url).host });

      // Another tenant still uses the configured upstream.
      const otherTenant = client(await createKey(service, ['admin'], 'gateway-other'));
      own.reply = () => ({ content: 'from the tenant upstream' });
      fake.reply = () => ({ content: 'from the configured upstream' });
      const mine = await admin.chat.completions.create({
        model: 'fake',
        messages: [{ role: 'user', content: 'hi' }],
      });
      const theirs = await otherTenant.chat.completions.create({
        model: 'fake',
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(mine.choices[0].message.content).toBe('from the tenant upstream');
      expect(theirs.choices[0].message.content).toBe('from the configured upstream');
      expect(own.last().authorization).toBe(`Bearer ${tenantKey}`);

      const stored = await withClient(databaseUrl, (c) =>
        c.query<{ row: string }>(`SELECT row_to_json(u)::text AS row FROM gateway_upstreams u`),
      );
      expect(stored.rows).toHaveLength(1);
      const dump = stored.rows[0].row;
      expect(dump).not.toContain(tenantKey);
      expect(dump).not.toContain(Buffer.from(tenantKey).toString('hex'));
      expect(JSON.stringify(view.body)).not.toContain(tenantKey);

      const removed = await service.request('DELETE', '/v1/admin/gateway/upstream');
      expect(removed.body).toMatchObject({ source: 'config' });
      const back = await admin.chat.completions.create({
        model: 'fake',
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(back.choices[0].message.content).toBe('from the configured upstream');
    } finally {
      await own.stop();
    }
  });
});
