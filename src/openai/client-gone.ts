// A cancellation tied to the client's socket: aborts upstream work the moment the client goes.
// A Cancellation, not an AbortController: it is made for every request (see src/gateway/call-signal.ts);
// routes that hand it to APIs needing a real AbortSignal use `.signal`.
import type { FastifyReply } from 'fastify';
import { Cancellation } from '../gateway/index.js';
import { tagAdmissionClient } from '../accounts/index.js';

/**
 * Tagged with whose request it is (the API key's owner), for the admission queue's round-robin
 * between keys; the real AbortSignal media calls take is tagged too when it is made.
 */
class ClientCancellation extends Cancellation {
  constructor(private readonly owner: string) {
    super();
    tagAdmissionClient(this, owner);
  }

  override get signal(): AbortSignal {
    const s = super.signal;
    tagAdmissionClient(s, this.owner);
    return s;
  }
}

export function clientGoneSignal(reply: FastifyReply): Cancellation {
  const ctl = new ClientCancellation(reply.request.keyOwner ?? 'anonymous');
  const res = reply.raw;
  res.once('close', () => {
    if (!res.writableFinished) ctl.abort();
  });
  return ctl;
}
