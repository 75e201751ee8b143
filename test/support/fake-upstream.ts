import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake model answers to one request, decided by the test from what it received. */
export interface FakeReply {
  content?: string;
  toolCalls?: { name: string; arguments: string }[];
  /** Stream the content cut at these offsets (every chunk one SSE event). */
  cuts?: number[];
  /** Answer this status with an OpenAI-style error body instead. */
  status?: number;
  retryAfter?: string;
  /** Never answer (the gateway's timeout must fire). */
  hang?: boolean;
  /** Close the connection without answering. */
  drop?: boolean;
}

export interface ReceivedRequest {
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

type Json = Record<string, unknown>;

/**
 * An OpenAI-compatible model API for tests: records every request it receives and answers what
 * the test's `reply` function says (chat completions, responses, embeddings; JSON or SSE).
 */
export class FakeUpstream {
  readonly received: ReceivedRequest[] = [];
  reply: (body: Json, path: string) => FakeReply = () => ({ content: 'ok' });
  private readonly server: http.Server;
  private readonly hanging = new Set<http.ServerResponse>();

  private constructor() {
    this.server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => this.answer(req, res, raw));
    });
  }

  static async start(): Promise<FakeUpstream> {
    const fake = new FakeUpstream();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  /** Every body the model ever saw, as one string. */
  get everything(): string {
    return JSON.stringify(this.received.map((r) => r.body));
  }

  last(): ReceivedRequest {
    return this.received[this.received.length - 1];
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse, raw: string): void {
    const body = JSON.parse(raw) as Json;
    const path = (req.url ?? '').replace(/^\/v1/, '');
    this.received.push({ path, authorization: req.headers.authorization, body });
    const reply = this.reply(body, path);
    if (reply.hang) {
      this.hanging.add(res);
      return;
    }
    if (reply.drop) {
      req.socket.destroy();
      return;
    }
    if (reply.status && reply.status >= 400) {
      res.writeHead(reply.status, {
        'content-type': 'application/json',
        ...(reply.retryAfter ? { 'retry-after': reply.retryAfter } : {}),
      });
      res.end(
        JSON.stringify({
          error: { message: 'Rate limit reached', type: 'rate_limit_error', code: null },
        }),
      );
      return;
    }
    if (path === '/embeddings') return this.embeddings(res, body);
    const stream = body.stream === true;
    if (path === '/responses') {
      return stream ? this.responsesStream(res, reply) : json(res, responseObject(reply));
    }
    return stream ? this.chatStream(res, reply) : json(res, chatCompletion(reply));
  }

  private embeddings(res: http.ServerResponse, body: Json): void {
    const inputs = Array.isArray(body.input) ? body.input : [body.input];
    json(res, {
      object: 'list',
      data: inputs.map((_, index) => ({ object: 'embedding', index, embedding: [0.25, -0.5, 1] })),
      model: body.model,
      usage: { prompt_tokens: 3, total_tokens: 3 },
    });
  }

  private chatStream(res: http.ServerResponse, reply: FakeReply): void {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'fake' };
    const send = (choice: Json) =>
      res.write(`data: ${JSON.stringify({ ...base, choices: [choice] })}\n\n`);
    send({ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null });
    for (const piece of pieces(reply.content ?? '', reply.cuts)) {
      send({ index: 0, delta: { content: piece }, finish_reason: null });
    }
    (reply.toolCalls ?? []).forEach((call, index) => {
      send({
        index: 0,
        delta: {
          tool_calls: [
            {
              index,
              id: `call_${index}`,
              type: 'function',
              function: { name: call.name, arguments: '' },
            },
          ],
        },
        finish_reason: null,
      });
      for (const piece of pieces(call.arguments, reply.cuts)) {
        send({
          index: 0,
          delta: { tool_calls: [{ index, function: { arguments: piece } }] },
          finish_reason: null,
        });
      }
    });
    send({ index: 0, delta: {}, finish_reason: reply.toolCalls ? 'tool_calls' : 'stop' });
    res.end('data: [DONE]\n\n');
  }

  private responsesStream(res: http.ServerResponse, reply: FakeReply): void {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let seq = 0;
    const send = (event: Json) =>
      res.write(
        `event: ${String(event.type)}\ndata: ${JSON.stringify({ ...event, sequence_number: seq++ })}\n\n`,
      );
    const text = reply.content ?? '';
    const inProgress = { ...responseObject({ content: '' }), status: 'in_progress', output: [] };
    send({ type: 'response.created', response: inProgress });
    const item = {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      status: 'in_progress',
      content: [],
    };
    send({ type: 'response.output_item.added', output_index: 0, item });
    send({
      type: 'response.content_part.added',
      item_id: 'msg_1',
      output_index: 0,
      content_index: 0,
      part: { type: 'output_text', text: '', annotations: [] },
    });
    for (const piece of pieces(text, reply.cuts)) {
      send({
        type: 'response.output_text.delta',
        item_id: 'msg_1',
        output_index: 0,
        content_index: 0,
        delta: piece,
        logprobs: [],
      });
    }
    send({
      type: 'response.output_text.done',
      item_id: 'msg_1',
      output_index: 0,
      content_index: 0,
      text,
      logprobs: [],
    });
    const part = { type: 'output_text', text, annotations: [] };
    send({
      type: 'response.content_part.done',
      item_id: 'msg_1',
      output_index: 0,
      content_index: 0,
      part,
    });
    send({
      type: 'response.output_item.done',
      output_index: 0,
      item: { ...item, status: 'completed', content: [part] },
    });
    send({ type: 'response.completed', response: responseObject(reply) });
    res.end();
  }
}

function json(res: http.ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function pieces(text: string, cuts: number[] = []): string[] {
  const out: string[] = [];
  let last = 0;
  for (const cut of [...cuts, text.length]) {
    out.push(text.slice(last, cut));
    last = cut;
  }
  return out.filter((p) => p !== '');
}

function chatCompletion(reply: FakeReply): Json {
  const toolCalls = (reply.toolCalls ?? []).map((call, i) => ({
    id: `call_${i}`,
    type: 'function',
    function: { name: call.name, arguments: call.arguments },
  }));
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'fake',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: reply.content ?? null,
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: toolCalls.length > 0 ? 'tool_calls' : 'stop',
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}

function responseObject(reply: FakeReply): Json {
  return {
    id: 'resp_1',
    object: 'response',
    created_at: 1,
    status: 'completed',
    model: 'fake',
    output: [
      {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: reply.content ?? '', annotations: [] }],
      },
    ],
    parallel_tool_calls: true,
    tool_choice: 'auto',
    tools: [],
    usage: { input_tokens: 1, output_tokens: 1, total_tokens: 2 },
  };
}

/** The canonical tokens in a text, in order. */
export function tokensIn(text: string): string[] {
  return [...text.matchAll(/\[[A-Z][A-Z0-9_]{0,47}_[0-9A-HJKMNP-TV-Z]{6,12}\]/g)].map((m) => m[0]);
}
