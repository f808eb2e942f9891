// The media egress without proxies: plain undici agents, one shared keep-alive Agent and a new
// one-connection Agent per fresh call (uploads). Used when no egress service routes media traffic.
import { Agent } from 'undici';
import { routeEgress, type GrokRoute, type MediaEgress, type MediaTransport, type WebSocketEgress } from '../grok/index.js';

/** Plain undici agents, no proxy: one shared keep-alive Agent, and a new one-connection Agent per fresh call. */
export class DirectMediaTransport implements MediaTransport {
  private readonly agent: Agent;

  constructor(private readonly connectTimeoutMs: number) {
    this.agent = new Agent({ connect: { timeout: connectTimeoutMs }, pipelining: 1 });
  }

  shared(): MediaEgress {
    return { dispatcher: this.agent, headers: undefined };
  }

  fresh(): MediaEgress {
    return { dispatcher: new Agent({ connect: { timeout: this.connectTimeoutMs }, connections: 1, pipelining: 0 }), headers: undefined };
  }

  assets(_token: string, fallback?: GrokRoute): MediaEgress {
    return routeEgress(fallback, false) ?? this.shared();
  }

  webSocket(): WebSocketEgress {
    return { agent: undefined, headers: undefined };
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
