// The streaming side of tool-calling emulation: answer text goes in chunk by chunk, and out come
// the text the client may see now and the tool calls found so far. Text is held back only while
// it may be the start of a call block (tool-call-parser.ts decides what a start is), so no tag
// fragment of a call ever reaches the client's content, and text before a call streams as usual.
//
// - A complete block with at least one valid call: its calls are emitted, and from then on all
//   further answer text is suppressed (more blocks after it still add calls: parallel calls).
// - A complete block without a valid call is released as ordinary text (the model was talking
//   about the syntax, or got it wrong with tool_choice auto).
// - At the end, an unfinished block is released as text (dropped when the gateway cut the answer
//   short): never a half call.
// The whole-answer parse (parseToolAnswer) runs this same sieve, so both paths agree exactly.
import type { EmittedToolCall } from './output-controls.js';
import { blockEnd, callsInBlock, findBlockStart, holdIndex, type ToolBlockOpener } from './tool-call-parser.js';

/** A block longer than this is not a call block we can hold: it is released as text. */
const MAX_BLOCK_CHARS = 4 * 1024 * 1024;

export interface SieveOutput {
  text: string;
  calls: EmittedToolCall[];
}

export class ToolCallSieve {
  private buf = '';
  private capture: { opener: ToolBlockOpener; searched: number } | undefined;
  private suppress = false;
  private readonly allCalls: EmittedToolCall[] = [];
  private readonly allProblems: string[] = [];
  private outText = '';
  private outCalls: EmittedToolCall[] = [];

  constructor(private readonly declared: ReadonlySet<string>) {}

  /** Calls emitted so far. */
  get calls(): readonly EmittedToolCall[] {
    return this.allCalls;
  }

  /** What was wrong with call blocks that produced no valid call (for a correction). */
  get problems(): readonly string[] {
    return this.allProblems;
  }

  /** True once a call was emitted: any further answer text is dropped. */
  get sawCalls(): boolean {
    return this.suppress;
  }

  push(text: string): SieveOutput {
    this.buf += text;
    this.run(false);
    return this.take();
  }

  /**
   * The answer is over: parse or release what is pending. An unfinished block is released as
   * text, unless the answer was cut (`cut`: stop sequence or token budget), where it is dropped:
   * the model was interrupted mid-call, and half a tag is no answer either.
   */
  finish(cut = false): SieveOutput {
    // A cut answer's held tail (a possible opener) and unfinished block are dropped alike.
    this.run(!cut);
    if (!cut) this.emitText(this.buf);
    this.capture = undefined;
    this.buf = '';
    return this.take();
  }

  private run(final: boolean): void {
    for (;;) {
      if (this.capture) {
        const { opener } = this.capture;
        const end = blockEnd(this.buf, 0, opener, final, this.capture.searched);
        if (end === -1) {
          this.capture.searched = this.buf.length;
          if (this.buf.length > MAX_BLOCK_CHARS) {
            this.capture = undefined;
            this.emitText(this.buf);
            this.buf = '';
          }
          return;
        }
        const block = this.buf.slice(0, end);
        this.buf = this.buf.slice(end);
        this.capture = undefined;
        const found = callsInBlock(block, opener.kind, this.declared);
        if (found.calls.length > 0) {
          this.suppress = true;
          this.allCalls.push(...found.calls);
          this.outCalls.push(...found.calls);
        } else {
          this.allProblems.push(...found.problems);
          this.emitText(block);
        }
        continue;
      }
      const start = findBlockStart(this.buf);
      if (start) {
        this.emitText(this.buf.slice(0, start.at));
        this.buf = this.buf.slice(start.at);
        // Opener indices are relative to the buffer, which now starts at the block.
        const shift = start.at;
        this.capture = { opener: { ...start.opener, inner: start.opener.inner - shift }, searched: 0 };
        continue;
      }
      const hold = final ? this.buf.length : holdIndex(this.buf);
      this.emitText(this.buf.slice(0, hold));
      this.buf = this.buf.slice(hold);
      return;
    }
  }

  private emitText(s: string): void {
    if (s !== '' && !this.suppress) this.outText += s;
  }

  private take(): SieveOutput {
    const out = { text: this.outText, calls: this.outCalls };
    this.outText = '';
    this.outCalls = [];
    return out;
  }
}

export interface ParsedToolAnswer {
  /** The visible text: what came before the first call (all of it when there is no call). */
  text: string;
  calls: EmittedToolCall[];
  problems: string[];
}

/** The whole-answer parse (non-streaming and buffered paths): same rules as the sieve. */
export function parseToolAnswer(answer: string, declared: ReadonlySet<string>): ParsedToolAnswer {
  const sieve = new ToolCallSieve(declared);
  const a = sieve.push(answer);
  const b = sieve.finish();
  return { text: a.text + b.text, calls: [...a.calls, ...b.calls], problems: [...sieve.problems] };
}
