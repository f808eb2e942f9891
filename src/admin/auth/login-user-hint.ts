// What a log line may say about the user name typed at a failed login. People type their password
// into that field by mistake, so the text is never logged: the configured user name is named (it
// is no secret), anything else becomes a short keyed hash (the same text gives the same tag for
// the life of the process, so repeated attempts can be told apart and correlated) plus its length.
// The key is random per process: a tag cannot be looked up in a precomputed table.
import { createHmac, randomBytes } from 'node:crypto';

const TAG_KEY = randomBytes(32);

export type LoginUserHint = { user: string } | { userTag: string; userLength: number };

export function loginUserHint(typed: string, configuredUser: string): LoginUserHint {
  if (typed === configuredUser) return { user: configuredUser };
  return { userTag: createHmac('sha256', TAG_KEY).update(typed, 'utf8').digest('hex').slice(0, 8), userLength: typed.length };
}
