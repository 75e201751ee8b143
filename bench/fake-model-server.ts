/**
 * A stand-in for an OpenAI-compatible model API, for the gateway bench: answers
 * /v1/chat/completions with the last user message echoed back (so every placeholder the
 * gateway sent comes back to be restored), as JSON or as an SSE stream of ~16-character deltas.
 * By default it answers at once. Paced like a model instead: FAKE_MODEL_FIRST_MS before the first
 * delta, then FAKE_MODEL_DELTA_MS between deltas; a JSON answer comes when the last delta would.
 * Runs as its own process so its work is not charged to the load generator.
 */
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

const port = Number(process.env.PORT ?? 0);
const firstMs = Number(process.env.FAKE_MODEL_FIRST_MS ?? 0);
const deltaMs = Number(process.env.FAKE_MODEL_DELTA_MS ?? 0);
const paced = firstMs > 0 || deltaMs > 0;

function lastUserText(body: { messages?: { role: string; content: unknown }[] }): string {
  const users = (body.messages ?? []).filter((m) => m.role === 'user');
  const content = users[users.length - 1]?.content;
  return typeof content === 'string' ? content : '';
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end('{"status":"ok"}');
  }
  let raw = '';
  req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
  req.on('end', () => {
    const body = JSON.parse(raw) as {
      stream?: boolean;
      messages?: { role: string; content: unknown }[];
    };
    const text = lastUserText(body);
    const base = { id: 'chatcmpl-bench', created: 1, model: 'bench' };
    const deltas: string[] = [];
    for (let i = 0; i < text.length; i += 16) deltas.push(text.slice(i, i + 16));
    if (body.stream !== true) {
      const answer = () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            ...base,
            object: 'chat.completion',
            choices: [
              { index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' },
            ],
          }),
        );
      };
      if (!paced) return answer();
      return void sleep(firstMs + deltas.length * deltaMs).then(answer);
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const event = (delta: object, finish: string | null) =>
      `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    const done = `${event({}, 'stop')}data: [DONE]\n\n`;
    if (!paced) {
      res.write(event({ role: 'assistant', content: '' }, null));
      return res.end(`${deltas.map((d) => event({ content: d }, null)).join('')}${done}`);
    }
    void (async () => {
      await sleep(firstMs);
      res.write(event({ role: 'assistant', content: '' }, null));
      for (const delta of deltas) {
        res.write(event({ content: delta }, null));
        await sleep(deltaMs);
      }
      res.end(done);
    })();
  });
});

server.listen(port, '127.0.0.1');
