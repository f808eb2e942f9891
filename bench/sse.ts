// A streaming chat client for the concurrency and idle scenarios: reads one SSE response to the
// end and checks it the way a client would (content reassembled, `data: [DONE]` last).
import { request, type Dispatcher } from 'undici';

export interface StreamResult {
  status: number;
  /** Chunks whose delta carried non-empty `content` (the role chunk's empty content excluded). */
  contentChunks: number;
  content: string;
  done: boolean;
  heartbeats: number;
  error?: string;
  ms: number;
}

export interface StreamOptions {
  url: string;
  apiKey: string;
  prompt: string;
  dispatcher: Dispatcher;
  signal?: AbortSignal;
  /** Called once the first SSE bytes have arrived (headers + role chunk). */
  onFirstBytes?: () => void;
}

export async function runStream(o: StreamOptions): Promise<StreamResult> {
  const started = performance.now();
  const r: StreamResult = { status: 0, contentChunks: 0, content: '', done: false, heartbeats: 0, ms: 0 };
  try {
    const res = await request(o.url, {
      method: 'POST',
      dispatcher: o.dispatcher,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${o.apiKey}` },
      body: JSON.stringify({ model: 'grok-chat-fast', stream: true, messages: [{ role: 'user', content: o.prompt }] }),
      ...(o.signal ? { signal: o.signal } : {}),
    });
    r.status = res.statusCode;
    res.body.setEncoding('utf8');
    let rest = '';
    let first = true;
    for await (const chunk of res.body as AsyncIterable<string>) {
      if (first) {
        first = false;
        o.onFirstBytes?.();
      }
      const events = (rest + chunk).split('\n\n');
      rest = events.pop() ?? '';
      for (const ev of events) {
        if (ev.startsWith(':')) {
          r.heartbeats++;
          continue;
        }
        if (!ev.startsWith('data: ')) continue;
        const data = ev.slice(6);
        if (data === '[DONE]') {
          r.done = true;
          continue;
        }
        if (r.done) r.error = 'data after [DONE]';
        const parsed = JSON.parse(data) as { choices?: Array<{ delta?: { content?: string } }>; error?: { message?: string } };
        if (parsed.error) r.error = `error event: ${parsed.error.message ?? JSON.stringify(parsed.error)}`;
        const content = parsed.choices?.[0]?.delta?.content;
        if (content) {
          r.contentChunks++;
          r.content += content;
        }
      }
    }
    if (rest.trim() !== '') r.error = `unterminated trailing event: ${rest.slice(0, 80)}`;
  } catch (err) {
    r.error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  }
  r.ms = performance.now() - started;
  return r;
}

/** The text the simulator's `[sim:tokens=N]` directive answers with. */
export function expectedTokensText(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += `w${i} `;
  return s;
}
