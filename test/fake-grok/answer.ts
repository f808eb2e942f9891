// The deterministic text the simulator answers with. Both the stream builder and
// `expectedAnswer` use this one module, so a test can compute the exact expected reply.

import type { SimDirectives } from './directives.js';
import { parseDirectives } from './directives.js';
import { emulationAnswer } from './model-answers.js';

export const SIM_THINKING_TEXT = 'Thinking about the request.';
export const SIM_UNICODE_ANSWER = 'Echo: héllo 世界 🌍🚀';
export const SIM_CITATION_URL = 'https://example.org/a';
export const SIM_CITATION_CARD_ID = 'card-1';

/** The citation tag, exactly as Grok embeds it in answer text (docs/grok-protocol.md §21.5.3). */
export const SIM_CITATION_TAG =
  '<grok:render card_id="card-1" card_type="citation_card" type="render_inline_citation">' +
  '<argument name="citation_id">1</argument></grok:render>';

/** Tokens of the `markup` directive: both tag kinds split mid-tag, as D/F filter them. */
const MARKUP_TOKENS = [
  '\n<xaiart',
  'ifact contentType="text/plain">',
  'artifact body',
  '</xaiar',
  'tifact>',
  '<xai:tool_usa',
  'ge_card><xai:tool_name>web_search</xai:tool_name>',
  '</xai:tool_usage_',
  'card>',
];

export interface AnswerToken {
  text: string;
  thinking: boolean;
  /** `messageTag` on the wire. */
  tag: 'header' | 'summary' | 'final';
  rolloutId: string;
}

export interface AnswerPlan {
  thinking: AnswerToken[];
  answer: AnswerToken[];
  /** Chat image mode: the prompt started with `Drawing:` / `Image Generation:`. */
  imageMode: boolean;
  /** The echoed line (after directive and role-label stripping). */
  line: string;
}

/** `[user]: `, `[system]: `, `[tool result for call_1]:` style role labels (docs/grok-protocol.md §21.2). */
const ROLE_LABEL_RE = /^\[[^\]\n]{1,80}\]:\s*/;
const IMAGE_PROMPT_RE = /^(?:Drawing:|Image Generation:)/i;

/** The last non-empty line with any role label removed. */
export function echoLine(text: string): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  const last = lines[lines.length - 1] ?? '';
  return last.replace(ROLE_LABEL_RE, '').trim();
}

/**
 * Splits text into stream-sized tokens: words with their trailing whitespace, long words
 * cut into pieces of at most 6 code points (never inside a code point, so every token
 * is valid JSON text; byte-level splitting is the `chunk` directive's job).
 */
export function splitTokens(text: string): string[] {
  const out: string[] = [];
  for (const word of text.match(/\s*\S+\s*|\s+/g) ?? []) {
    const cps = Array.from(word);
    const pieces: string[] = [];
    for (let i = 0; i < cps.length; i += 6) pieces.push(cps.slice(i, i + 6).join(''));
    // Keep trailing whitespace with its word rather than as a token of its own.
    const last = pieces[pieces.length - 1];
    if (pieces.length > 1 && last !== undefined && last.trim() === '') pieces[pieces.length - 2] += pieces.pop() ?? '';
    // One push per piece: a spread of a very long word's pieces would overflow the call stack.
    for (const p of pieces) out.push(p);
  }
  return out;
}

/** True when the cleaned prompt asks for chat-based image generation (docs/grok-protocol.md §21.7; mgw lite images §8.1). */
export function isImagePrompt(text: string): boolean {
  return IMAGE_PROMPT_RE.test(text.trimStart()) || IMAGE_PROMPT_RE.test(echoLine(text));
}

function baseAnswerTokens(d: SimDirectives, line: string): string[] {
  if (d.tokens !== undefined) return Array.from({ length: d.tokens }, (_, i) => `w${i} `);
  if (d.unicode) return splitTokens(SIM_UNICODE_ANSWER);
  return splitTokens(`Echo: ${line === '' ? '(empty)' : line}`);
}

/** Image mode answers with one `render_generated_image` tag per image, each split in two tokens. */
export function imageRenderTag(cardId: string): string {
  return `<grok:render card_id="${cardId}" card_type="generated_image_card" type="render_generated_image"></grok:render>`;
}

/** Card ids of the images in chat image mode (deterministic so expectedAnswer can know them). */
export function imageCardId(index: number): string {
  return `img-card-${index}`;
}

export function planAnswer(text: string, d: SimDirectives, opts: { heavy?: boolean; imageCount?: number; history?: string | undefined } = {}): AnswerPlan {
  const line = echoLine(text);
  const heavy = d.heavy === true || opts.heavy === true;
  const imageMode = isImagePrompt(text);

  const thinkingTexts = d.noThinking ? [] : splitTokens(SIM_THINKING_TEXT);
  const half = Math.ceil(thinkingTexts.length / 2);
  const thinking = thinkingTexts.map((t, i): AnswerToken => ({
    text: t,
    thinking: true,
    tag: i === 0 ? 'header' : 'summary',
    rolloutId: heavy ? (i < half ? 'Agent 1' : 'Agent 2') : '',
  }));

  let answerTexts: string[];
  if (imageMode) {
    answerTexts = [];
    for (let i = 0; i < (opts.imageCount ?? 2); i++) {
      const tag = imageRenderTag(imageCardId(i));
      answerTexts.push(tag.slice(0, 20), tag.slice(20));
    }
  } else {
    // Tool and JSON instructions from the gateway are answered like a model would (model-answers.ts).
    const emulated = emulationAnswer(text, d, line, opts.history);
    answerTexts = emulated !== undefined ? splitTokens(emulated) : baseAnswerTokens(d, line);
    // The citation tag is split mid-tag so a client must buffer across tokens.
    if (d.citation) answerTexts.push(' ' + SIM_CITATION_TAG.slice(0, 37), SIM_CITATION_TAG.slice(37));
    if (d.markup) answerTexts.push(...MARKUP_TOKENS);
  }
  const answer = answerTexts.map((t): AnswerToken => ({
    text: t, thinking: false, tag: 'final', rolloutId: heavy ? 'Grok' : '',
  }));
  return { thinking, answer, imageMode, line };
}

/**
 * The exact reply for a flattened message: `thinking` is the concatenated reasoning tokens,
 * `answer` the concatenated `final` tokens (= modelResponse.message), markup included as sent.
 * Understands the text-changing directives (tokens, unicode, citation, markup, no-thinking)
 * and chat image mode (2 images, the body's imageGenerationCount is not visible here).
 */
export function expectedAnswer(message: string): { thinking: string; answer: string } {
  const { directives, text } = parseDirectives(message);
  const plan = planAnswer(text, directives);
  return {
    thinking: plan.thinking.map((t) => t.text).join(''),
    answer: plan.answer.map((t) => t.text).join(''),
  };
}
