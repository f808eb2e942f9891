// A cancellation tied to the client's socket: aborts upstream work the moment the client goes.
// A Cancellation, not an AbortController: it is made for every request (see cancellation.ts);
// routes that hand it to APIs needing a real AbortSignal use `.signal`.
import type { FastifyReply } from 'fastify';
import { Cancellation } from '../grok/index.js';
import { tagAdmissionClient } from '../accounts/admission-queue.js';

export function clientGoneSignal(reply: FastifyReply): Cancellation {
  const ctl = new Cancellation();
  // Whose request this is, for the admission queue's round-robin between API keys.
  tagAdmissionClient(ctl, reply.request.keyOwner ?? 'anonymous');
  const res = reply.raw;
  res.once('close', () => {
    if (!res.writableFinished) ctl.abort();
  });
  return ctl;
}
