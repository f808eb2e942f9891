import { randomBytes } from 'node:crypto';

// Chat completion ids (`chatcmpl-…`) for every chat answer, text or media: one scheme, so a client sees
// the same shape whichever model answered. They only need to be unique, not secret: a random
// per-process prefix and a counter (a random UUID per request cost more than the rest of the id
// handling together).
const ID_PREFIX = `chatcmpl-${randomBytes(6).toString('hex')}`;
let idSerial = 0;

export function completionId(): string {
  idSerial = (idSerial + 1) % 0x1000000000000;
  return ID_PREFIX + idSerial.toString(16).padStart(12, '0');
}
