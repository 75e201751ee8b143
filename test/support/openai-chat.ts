import type OpenAI from 'openai';

/** One user message through the client; the answer's text, whole or gathered from the stream. */
export async function askChat(openai: OpenAI, content: string, stream = false): Promise<string> {
  if (!stream) {
    const completion = await openai.chat.completions.create({
      model: 'fake',
      messages: [{ role: 'user', content }],
    });
    return completion.choices[0].message.content ?? '';
  }
  const chunks = await openai.chat.completions.create({
    model: 'fake',
    stream: true,
    messages: [{ role: 'user', content }],
  });
  let text = '';
  for await (const chunk of chunks) text += chunk.choices[0]?.delta?.content ?? '';
  return text;
}
