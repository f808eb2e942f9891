// Token usage estimates. Grok web reports no token counts, and a real o200k tokenizer (a large
// vocabulary file plus a BPE engine) is too heavy for a per-request estimate, so this approximates
// OpenAI's o200k_base counts in one pass over the UTF-16 code units, with no allocation.
//
// Method: each character class has a cost derived from how o200k splits it, charged as the
// characters go by (so appending text never lowers the count):
// - Latin letters form words; a word (split further at lower→UPPER case changes, as in camelCase)
//   costs 1 token, plus 1 for every further 8 letters (long words are split into pieces). A single
//   space before a word is free: o200k folds it into the word (" the" is one token).
// - Digits: 1 token per group of up to 3 (o200k splits numbers into 3-digit chunks).
// - ASCII punctuation and symbols: 1 token per 2 in a row ("()", "=>", ");" are usually single tokens).
// - Whitespace: a run of newlines is 1 token; indentation (2+ spaces or tabs) is 1 token, plus 1
//   per further 8.
// - CJK ideographs, kana, Hangul and full-width punctuation: 1 token each (o200k is a little better on
//   common Chinese words, ~0.7-1 per character; 1 keeps the estimate simple and slightly high).
// - Other scripts (Cyrillic, Greek, Arabic, Devanagari, ...): 1 token per 3 letters of a word.
// - Anything outside the BMP (emoji, rare ideographs): 1 token per character; other symbols 1 each.
// On English prose this lands near chars/4 (the usual rule of thumb); on code and CJK it follows the
// character mix instead of undercounting.

import type { ConversationMessage } from './types.js';

const K_NONE = 0;
const K_LATIN = 1;
const K_DIGIT = 2;
const K_PUNCT = 3;
const K_SPACE = 4;
const K_NEWLINE = 5;
const K_OTHER_LETTER = 6;

export function estimateTokens(text: string): number {
  let tokens = 0;
  let kind = K_NONE;
  let run = 0; // length of the current run of `kind`
  let prevLower = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) {
      if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) {
        const upper = c <= 90;
        if (kind !== K_LATIN || (upper && prevLower)) {
          kind = K_LATIN;
          run = 0;
        }
        if (run % 8 === 0) tokens++;
        run++;
        prevLower = !upper;
      } else if (c >= 48 && c <= 57) {
        if (kind !== K_DIGIT) {
          kind = K_DIGIT;
          run = 0;
        }
        if (run % 3 === 0) tokens++;
        run++;
      } else if (c === 10 || c === 13) {
        if (kind !== K_NEWLINE) {
          tokens++;
          kind = K_NEWLINE;
        }
      } else if (c === 32 || c === 9) {
        // one space is folded into the next word; a longer run (indentation) costs 1 per 8
        if (kind !== K_SPACE) {
          kind = K_SPACE;
          run = 0;
        }
        run++;
        if (run >= 2 && (run - 2) % 8 === 0) tokens++;
      } else if (c < 32 || c === 127) {
        // control characters: ignored
      } else {
        if (kind !== K_PUNCT) {
          kind = K_PUNCT;
          run = 0;
        }
        if (run % 2 === 0) tokens++;
        run++;
      }
      continue;
    }
    if (isCjk(c)) {
      tokens++;
      kind = K_NONE;
    } else if (c >= 0xd800 && c <= 0xdbff) {
      tokens++; // high surrogate: one astral character (its low surrogate costs nothing)
      kind = K_NONE;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      // low surrogate: counted with its high surrogate
    } else if (c === 0x200d || (c >= 0xfe00 && c <= 0xfe0f) || (c >= 0x300 && c <= 0x36f)) {
      // joiners, variation selectors, combining marks: part of the previous character
    } else if (c === 0xa0 || c === 0x2009 || c === 0x202f) {
      kind = K_NONE; // non-breaking spaces: like a single space
    } else if (c <= 0x24f) {
      // Latin-1 and Latin Extended letters (é, ß, ł, ...): part of a Latin word
      if (kind !== K_LATIN) {
        kind = K_LATIN;
        run = 0;
      }
      if (run % 8 === 0) tokens++;
      run++;
      prevLower = true;
    } else if (isLetterBlock(c)) {
      if (kind !== K_OTHER_LETTER) {
        kind = K_OTHER_LETTER;
        run = 0;
      }
      if (run % 3 === 0) tokens++;
      run++;
    } else {
      tokens++; // symbols, punctuation outside ASCII (—, …, •, €)
      kind = K_NONE;
    }
  }
  return tokens;
}

function isCjk(c: number): boolean {
  return (
    (c >= 0x4e00 && c <= 0x9fff) || // CJK unified ideographs
    (c >= 0x3400 && c <= 0x4dbf) || // extension A
    (c >= 0xf900 && c <= 0xfaff) || // compatibility ideographs
    (c >= 0x3000 && c <= 0x30ff) || // CJK punctuation, hiragana, katakana
    (c >= 0xac00 && c <= 0xd7af) || // Hangul syllables
    (c >= 0x1100 && c <= 0x11ff) || // Hangul jamo
    (c >= 0x3130 && c <= 0x318f) || // Hangul compatibility jamo
    (c >= 0xff00 && c <= 0xffef) // full-width forms
  );
}

/** Alphabetic scripts written with spaces between words (Greek to Thai, Georgian, ...). */
function isLetterBlock(c: number): boolean {
  return (c >= 0x370 && c <= 0x1fff) || (c >= 0xa640 && c <= 0xa69f);
}

/** Per-message overhead and reply priming, as in OpenAI's token-counting cookbook. */
const TOKENS_PER_MESSAGE = 4;
const TOKENS_PER_NAME = 1;
const REPLY_PRIMING = 3;

/** Prompt tokens of a conversation as OpenAI would count its messages (attachments not counted). */
export function estimatePromptTokens(messages: ConversationMessage[]): number {
  let total = REPLY_PRIMING;
  for (const m of messages) {
    total += TOKENS_PER_MESSAGE + estimateTokens(m.text);
    if (m.name) total += TOKENS_PER_NAME + estimateTokens(m.name);
    if (m.toolCallId) total += estimateTokens(m.toolCallId);
    for (const call of m.toolCalls ?? []) {
      total += TOKENS_PER_MESSAGE + estimateTokens(call.name) + estimateTokens(call.arguments);
    }
  }
  return total;
}

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  completion_tokens_details: { reasoning_tokens: number };
}

/**
 * OpenAI's usage object. `contentTokens` are the visible answer's tokens; `reasoningTokens` are added
 * to `completion_tokens` too, because OpenAI counts reasoning as part of the completion.
 */
export function buildUsage(promptTokens: number, contentTokens: number, reasoningTokens: number): ChatUsage {
  const completion = contentTokens + reasoningTokens;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completion,
    total_tokens: promptTokens + completion,
    completion_tokens_details: { reasoning_tokens: reasoningTokens },
  };
}
