// The streaming side of tool-calling emulation: answer text goes in chunk by chunk, and out come
// the text the client may see now and the tool calls found so far. Text is held back only while
// it may be the start of a call block (tool-block-bounds.ts decides what a start is), so no tag
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
import { BlockEndScanner, findBlockStart, holdIndex, type ToolBlockOpener } from './tool-block-bounds.js';
import { callsInBlock } from './tool-call-parser.js';

/** A block longer than this is not a call block we can hold: it is released as text. */
const MAX_BLOCK_CHARS = 4 * 1024 * 1024;

export interface SieveOutput {
  text: string;
  calls: EmittedToolCall[];
}

export class ToolCallSieve {
  private buf = '';
  private capture: { opener: ToolBlockOpener; scanner: BlockEndScanner } | undefined;
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
    if (this.capture) {
      this.feedCapture(text, false);
    } else {
      this.buf += text;
    }
    this.run();
    return this.take();
  }

  /**
   * The answer is over: parse or release what is pending. An unfinished block is released as
   * text, unless the answer was cut (`cut`: stop sequence or token budget), where it is dropped:
   * the model was interrupted mid-call, and half a tag is no answer either.
   */
  finish(cut = false): SieveOutput {
    if (!cut) {
      for (;;) {
        if (this.capture) {
          this.feedCapture('', true);
          if (this.capture) {
            // Still unfinished at the end: text, not a call.
            this.emitText(this.capture.scanner.text());
            this.capture = undefined;
          }
        }
        this.run();
        if (!this.capture) break;
      }
      // What was held as a possible opener is just text now.
      this.emitText(this.buf);
    }
    this.capture = undefined;
    this.buf = '';
    return this.take();
  }

  /** Feeds the capture; when its block is complete, handles it and puts the rest back in `buf`. */
  private feedCapture(text: string, final: boolean): void {
    const cap = this.capture;
    if (!cap) return;
    const end = cap.scanner.feed(text, final);
    if (end === -1) {
      if (cap.scanner.length > MAX_BLOCK_CHARS) {
        this.capture = undefined;
        this.emitText(cap.scanner.text());
      }
      return;
    }
    const all = cap.scanner.text();
    this.capture = undefined;
    const block = all.slice(0, end);
    this.buf = all.slice(end) + this.buf;
    const found = callsInBlock(block, cap.opener.kind, this.declared);
    if (found.calls.length > 0) {
      this.suppress = true;
      this.allCalls.push(...found.calls);
      this.outCalls.push(...found.calls);
    } else {
      this.allProblems.push(...found.problems);
      this.emitText(block);
    }
  }

  /** Scans `buf` (never holding a capture): text out, the next block into a capture. */
  private run(): void {
    while (!this.capture) {
      const start = findBlockStart(this.buf);
      if (!start) {
        const hold = holdIndex(this.buf);
        this.emitText(this.buf.slice(0, hold));
        this.buf = this.buf.slice(hold);
        return;
      }
      this.emitText(this.buf.slice(0, start.at));
      const rest = this.buf.slice(start.at);
      this.buf = '';
      // Opener indices are relative to the block, which starts at the opener.
      const opener = { ...start.opener, inner: start.opener.inner - start.at };
      this.capture = { opener, scanner: new BlockEndScanner(opener) };
      this.feedCapture(rest, false);
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
