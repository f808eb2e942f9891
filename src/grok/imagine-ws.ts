// The imagine WebSocket client (docs/grok-protocol.md, "Imagine WebSocket"): connect with the
// account's cookie (no statsig), run one round per socket (imagine-round.ts) asking for exactly the
// images still wanted, and close the socket. When a round brings fewer than n, another round runs on
// a new socket for the rest; what finished is kept.
// The handshake leaves through the request's route (its proxy tunnel, with that proxy's clearance
// cookie and User-Agent), else through the per-account egress, else directly with the defaults.
import type { DriftMonitor } from './drift/index.js';
import type { GrokRoute } from './chat-client.js';
import { GrokUpstreamError } from './errors.js';
import type { GrokHeaders } from './headers.js';
import { runImagineRound } from './imagine-round.js';
import { openImagineSocket, type ImagineSocket } from './imagine-socket.js';
import type { ImagineImage, ImagineRequest, ImagineResult } from './imagine-types.js';
import type { WebSocketEgress } from './media-transport.js';

export interface ImagineClientOptions {
  wsUrl: string;
  /** Default handshake headers (direct egress: grok.user_agent + grok.cf_clearance). */
  headers: GrokHeaders;
  connectTimeoutMs: number;
  /** Per-account egress when a request names no route (MediaTransport.webSocket). */
  egress?: ((token: string) => WebSocketEgress) | undefined;
  /** Heartbeat ping interval; default 20 s. */
  pingIntervalMs?: number;
  /** Protocol-drift checks of the server messages (src/grok/drift); none when absent. */
  drift?: DriftMonitor | undefined;
}

export class ImagineClient {
  constructor(private readonly opts: ImagineClientOptions) {}

  async generate(token: string, req: ImagineRequest): Promise<ImagineResult> {
    const images: ImagineImage[] = [];
    let moderated = 0;
    let rounds = 0;
    let reconnects = 0;
    let slotBase = 0;
    let sock: ImagineSocket | undefined;
    const maxRounds = 3;
    try {
      while (images.length < req.n && rounds < maxRounds) {
        req.signal?.throwIfAborted();
        // One round per socket (the web app never re-uses one).
        sock?.close();
        sock = await this.connect(token, req.route, req.signal);
        const r = await runImagineRound(sock, req, req.n - images.length, slotBase);
        sock.close();
        sock = undefined;
        if (r.closedEarly && reconnects < 2) {
          reconnects++;
          continue;
        }
        rounds++;
        slotBase += 16;
        images.push(...r.images.slice(0, req.n - images.length));
        moderated += r.moderated;
        if (r.failure) {
          if (images.length === 0) throw r.failure;
          break;
        }
        if (r.images.length === 0) break; // nothing usable this round (moderated or empty): stop
      }
    } finally {
      sock?.close();
    }
    if (images.length === 0) {
      if (moderated > 0) {
        throw new GrokUpstreamError({
          kind: 'safety-refusal',
          status: 400,
          message: `Grok moderated every generated image (${moderated} of ${moderated})`,
        });
      }
      throw new GrokUpstreamError({ kind: 'upstream-5xx', status: 502, message: 'The imagine WebSocket returned no image' });
    }
    return { images, moderated, rounds };
  }

  private egressFor(token: string, route: GrokRoute | undefined): WebSocketEgress | undefined {
    const t = route?.transport;
    if (t) return { agent: t.webSocketAgent(), headers: route.headers };
    return this.opts.egress?.(token);
  }

  private async connect(token: string, route: GrokRoute | undefined, signal: AbortSignal | undefined): Promise<ImagineSocket> {
    signal?.throwIfAborted();
    const egress = this.egressFor(token, route);
    return openImagineSocket(
      {
        wsUrl: this.opts.wsUrl,
        headers: (egress?.headers ?? this.opts.headers).ws(token),
        timeoutMs: this.opts.connectTimeoutMs,
        agent: egress?.agent,
        pingIntervalMs: this.opts.pingIntervalMs ?? 20_000,
        drift: this.opts.drift,
      },
      signal,
    );
  }
}
