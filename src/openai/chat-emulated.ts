// Chat completions whose answer the gateway shapes (tools, response_format, stop, max tokens):
// the SSE stream and the non-streaming message built from an EmulatedTurn. Plain requests keep
// the direct path in chat-completions-route.ts.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ModelSpec } from '../config/index.js';
import {
  type ChatService,
  EmulatedTurn,
  ModelOutputError,
  type EmittedToolCall,
  type ChatTurnRequest,
  buildUsage,
  estimateTokens,
  type Cancellation,
} from '../gateway/index.js';
import { recordCallFailure } from './call-failure.js';
import { ChatStreamWriter } from './chat-stream-writer.js';
import { OpenAIHttpError, toOpenAIError } from './errors.js';
import { CallError } from '../failures/index.js';
import type { OutputRequest } from './output-request.js';

export interface EmulatedChatArgs {
  chat: ChatService;
  turn: ChatTurnRequest;
  spec: ModelSpec;
  output: OutputRequest;
  client: Cancellation;
  showSearchSources: boolean;
  heartbeatMs: number;
  completionId: string;
  started: number;
  promptTokens: number;
  onStream?: (() => () => void) | undefined;
}

export function invalidModelOutput(message: string): OpenAIHttpError {
  return new OpenAIHttpError(502, message, { type: 'upstream_error', code: 'invalid_model_output' });
}

function toWireCalls(calls: readonly EmittedToolCall[]): Array<Record<string, unknown>> {
  return calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
}

/** Completion tokens: the visible answer, the calls' names and arguments, and all reasoning. */
function usageOf(args: EmulatedChatArgs, t: EmulatedTurn): { content: number; reasoning: number } {
  let content = estimateTokens(t.content);
  for (const c of t.calls) content += estimateTokens(c.name) + estimateTokens(c.arguments);
  return { content, reasoning: estimateTokens(t.reasoningForUsage) };
}

async function openTurn(request: FastifyRequest, args: EmulatedChatArgs): Promise<EmulatedTurn> {
  const call = request.call;
  const t = await EmulatedTurn.open({
    chat: args.chat,
    turn: args.turn,
    spec: args.spec,
    signal: args.client,
    controls: args.output.controls,
    validator: args.output.validator,
    showSearchSources: args.showSearchSources,
  }).catch((err: unknown) => {
    recordCallFailure(call, err);
    throw err;
  });
  call.account = t.account;
  call.proxy = t.proxy;
  call.attempts = t.attempts.length;
  call.upstream = t.attempts;
  return t;
}

function noteAttempts(request: FastifyRequest, t: EmulatedTurn): void {
  const call = request.call;
  call.account = t.account;
  call.proxy = t.proxy;
  call.attempts = t.attempts.length;
  call.upstream = t.attempts;
}

export async function collectEmulated(request: FastifyRequest, reply: FastifyReply, args: EmulatedChatArgs): Promise<unknown> {
  const t = await openTurn(request, args);
  let reasoning = '';
  try {
    for await (const o of t.outputs()) reasoning += o.reasoning;
  } catch (err) {
    // Grok failing after the turn opened (in-band error, cut, timeout) is an upstream failure the
    // client must see as its OpenAI error (the gateway's CallError), not a 500.
    const mapped =
      err instanceof ModelOutputError
        ? invalidModelOutput(err.message)
        : err instanceof CallError
          ? toOpenAIError(err)
          : err;
    noteAttempts(request, t);
    recordCallFailure(request.call, mapped);
    throw mapped;
  } finally {
    t.close();
  }
  noteAttempts(request, t);
  const u = usageOf(args, t);
  request.call.completionTokens = u.content + u.reasoning;
  if (t.calls.length > 0) request.call.toolCalls = t.calls.map((c) => c.name);
  const calls = t.calls;
  // With calls, the content is the text before them (trailing blank space dropped), or null.
  const content = calls.length === 0 ? t.content : t.content.trim() === '' ? null : t.content.trimEnd();
  const message: Record<string, unknown> = { role: 'assistant', content, refusal: null };
  if (calls.length > 0) message.tool_calls = toWireCalls(calls);
  if (reasoning && args.turn.reasoning === 'reasoning_content') message.reasoning_content = reasoning;
  const annotations = t.annotations();
  if (annotations.length > 0) message.annotations = annotations;
  return reply.send({
    id: args.completionId,
    object: 'chat.completion',
    created: Math.floor(args.started / 1000),
    model: args.turn.model,
    system_fingerprint: t.modelHash ?? null,
    choices: [{ index: 0, message, logprobs: null, finish_reason: t.finishReason }],
    usage: buildUsage(args.promptTokens, u.content, u.reasoning),
  });
}

export async function streamEmulated(request: FastifyRequest, reply: FastifyReply, args: EmulatedChatArgs): Promise<void> {
  const call = request.call;
  const t = await openTurn(request, args);
  reply.hijack();
  const writer = new ChatStreamWriter(
    reply.raw,
    { id: args.completionId, created: Math.floor(args.started / 1000), model: args.turn.model, includeUsage: args.turn.includeUsage },
    args.heartbeatMs,
  );
  const streamEnded = args.onStream?.();
  const client = args.client;
  writer.start(reply.getHeaders());
  let callIndex = 0;
  try {
    for await (const o of t.outputs()) {
      writer.systemFingerprint(t.modelHash);
      if (o.content || o.reasoning) await writer.delta(o.content, o.reasoning);
      if (o.calls.length > 0) {
        await writer.toolCalls(o.calls, callIndex);
        callIndex += o.calls.length;
      }
      if (client.aborted) break;
    }
    if (!client.aborted) {
      writer.systemFingerprint(t.modelHash);
      const u = usageOf(args, t);
      call.completionTokens = u.content + u.reasoning;
      if (t.calls.length > 0) call.toolCalls = t.calls.map((c) => c.name);
      const extra: Record<string, unknown> = {};
      const annotations = t.annotations();
      if (annotations.length > 0) extra.annotations = annotations;
      writer.finish(t.finishReason, buildUsage(args.promptTokens, u.content, u.reasoning), extra);
      call.status = 200;
    }
  } catch (err) {
    if (client.aborted) {
      writer.dispose();
    } else {
      let clientErr: OpenAIHttpError;
      // An upstream failure by kind, or the corrective retry that found no account.
      if (err instanceof CallError) clientErr = toOpenAIError(err);
      else if (err instanceof ModelOutputError) clientErr = invalidModelOutput(err.message);
      else {
        clientErr = new OpenAIHttpError(500, 'Internal error while streaming', { code: 'internal_error' });
        request.log.error({ err }, 'stream failed');
      }
      recordCallFailure(call, clientErr);
      writer.fail(clientErr);
    }
  } finally {
    t.close();
    noteAttempts(request, t);
    call.bytes = writer.bytesWritten;
    if (writer.firstByteAt) call.firstByteMs = writer.firstByteAt - args.started;
    if (client.aborted) call.status = 499;
    streamEnded?.();
  }
}
