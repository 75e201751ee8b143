/**
 * A stand-in for an OpenAI-compatible model API, for the gateway bench: answers
 * /v1/chat/completions at once with the last user message echoed back (so every placeholder the
 * gateway sent comes back to be restored), as JSON or as an SSE stream of ~16-character deltas.
 * Runs as its own process so its work is not charged to the load generator.
 */
import http from 'node:http';

const port = Number(process.env.PORT ?? 0);

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
    if (body.stream !== true) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(
        JSON.stringify({
          ...base,
          object: 'chat.completion',
          choices: [
            { index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' },
          ],
        }),
      );
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const event = (delta: object, finish: string | null) =>
      `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    res.write(event({ role: 'assistant', content: '' }, null));
    let out = '';
    for (let i = 0; i < text.length; i += 16)
      out += event({ content: text.slice(i, i + 16) }, null);
    res.end(`${out}${event({}, 'stop')}data: [DONE]\n\n`);
  });
});

server.listen(port, '127.0.0.1');
