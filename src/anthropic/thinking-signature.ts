// The `signature` of a thinking block. Anthropic's is an opaque value that lets it verify thinking
// sent back to it; clients only store and return it. The gateway's is an HMAC of the thinking text
// under a key made at start-up: opaque, stable within the process, and revealing nothing. Thinking
// sent back is left out of the prompt (to-conversation.ts), so signatures are never checked.
import { createHmac, randomBytes } from 'node:crypto';

const KEY = randomBytes(32);

export function signThinking(thinking: string): string {
  return createHmac('sha256', KEY).update(thinking).digest('base64');
}
