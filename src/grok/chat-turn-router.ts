// Sends each turn over the transport it names (grok.chat_transport is read per call by the
// gateway, so a live settings change applies to the next request).
import type { ChatStreamResult } from './chat-client.js';
import type { ChatTransport, ChatTurnInput, ChatTurnOpener, TurnOpenOptions } from './chat-turn.js';

export class ChatTurnRouter implements ChatTurnOpener {
  constructor(private readonly transports: Record<ChatTransport, ChatTurnOpener>) {}

  openTurn(token: string, turn: ChatTurnInput, opts?: TurnOpenOptions): Promise<ChatStreamResult> {
    return this.transports[turn.transport].openTurn(token, turn, opts);
  }
}
