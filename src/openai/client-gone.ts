// An abort signal tied to the client's socket: aborts upstream work the moment the client goes.
import type { FastifyReply } from 'fastify';

export function clientGoneSignal(reply: FastifyReply): AbortController {
  const ctl = new AbortController();
  const res = reply.raw;
  res.once('close', () => {
    if (!res.writableFinished) ctl.abort();
  });
  return ctl;
}
