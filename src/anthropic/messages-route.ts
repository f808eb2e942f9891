// POST /v1/messages and POST /v1/messages/count_tokens: the Anthropic Messages API, for Claude Code
// and Anthropic-SDK agents pointed at the gateway (ANTHROPIC_BASE_URL). The request is validated and
// mapped to the neutral conversation and OutputControls, answered through the same EmulatedTurn as
// chat completions (tools, stop sequences and max_tokens are always emulated: max_tokens is
// required), and rendered as Anthropic content blocks. Errors leave in Anthropic's shape (errors.ts).
//
// anthropic-version: accepted whatever its value, and not required: Anthropic requires it, but it
// only selects wire versions the gateway does not have (there is one), so refusing a request for
// lacking it would only break hand-written clients. anthropic-beta: accepted and ignored; the beta
// features that change the answer arrive as body fields and are handled there.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ModelRegistry, ModelSpec } from '../config/index.js';
import {
  type ChatService,
  EmulatedTurn,
  ModelOutputError,
  withInstructions,
  type ChatTurnRequest,
  type ConversationMessage,
  estimatePromptTokens,
  estimateTokens,
} from '../gateway/index.js';
import { requestBaseUrl } from '../media/index.js';
import {
  recordCallFailure,
  clientGoneSignal,
  OpenAIHttpError,
  invalidRequest,
  toOpenAIError,
  zodToOpenAIError,
  invalidModelOutput,
} from '../openai/index.js';
import { CallError } from '../failures/index.js';
import { ContentBlocks } from './content-blocks.js';
import { anthropicErrorHandler } from './errors.js';
import { aliasRules, aliasTarget, resolveAnthropicModel } from './model-aliases.js';
import { outputRequest, refusePrefill, type AnthropicOutputRequest } from './output-request.js';
import { countTokensRequestSchema, messagesRequestSchema, type CountTokensRequest } from './request-schema.js';
import { AnthropicStreamWriter } from './stream-writer.js';
import { toConversation } from './to-conversation.js';
import type { Message, StopReason } from './wire.js';

export interface MessagesRouteDeps {
  chat: ChatService;
  models: () => ModelRegistry;
  /** Live settings. */
  settings: () => { modelAliases: readonly string[]; heartbeatMs: number };
  /** Told when an SSE stream starts; the returned function is called once when it ends. */
  onStream?: () => () => void;
}

function messageId(): string {
  return `msg_${randomBytes(12).toString('hex')}`;
}

function resolveModel(deps: MessagesRouteDeps, model: string): ModelSpec {
  const r = resolveAnthropicModel(model, deps.settings().modelAliases, deps.models());
  if (!r.ok) throw new OpenAIHttpError(404, r.message, { code: 'model_not_found', param: 'model' });
  const spec = r.model.spec;
  if (spec.kind !== 'chat') throw invalidRequest(`model: '${model}' maps to the ${spec.kind} model '${r.model.target}'; /v1/messages serves chat models`, 'model', 'model_not_supported');
  return spec;
}

interface Prepared {
  messages: ConversationMessage[];
  output: AnthropicOutputRequest;
  spec: ModelSpec;
  inputTokens: number;
}

function prepare(deps: MessagesRouteDeps, body: CountTokensRequest, limits?: Parameters<typeof outputRequest>[1]): Prepared {
  const spec = resolveModel(deps, body.model);
  const output = outputRequest(body, limits);
  const messages = toConversation(body.system, body.messages);
  // The tool and JSON sections are part of what the model reads (Anthropic counts tool definitions too).
  const inputTokens = estimatePromptTokens(withInstructions(messages, output.controls));
  return { messages, output, spec, inputTokens };
}

function stopReasonOf(t: EmulatedTurn, blocks: ContentBlocks): { reason: StopReason; sequence: string | null } {
  if (blocks.hasToolUse) return { reason: 'tool_use', sequence: null };
  if (t.finishReason === 'length') return { reason: 'max_tokens', sequence: null };
  const seq = t.stopSequence;
  return seq !== undefined ? { reason: 'stop_sequence', sequence: seq } : { reason: 'end_turn', sequence: null };
}

/**
 * Output tokens: the visible answer and the calls' names and arguments, plus Grok's reasoning when
 * thinking is enabled (Anthropic counts thinking as output). Without thinking, Anthropic's models do
 * not reason, so Grok's hidden reasoning is not reported: output_tokens then never exceeds max_tokens.
 */
function outputTokens(t: EmulatedTurn, thinking: boolean): number {
  let n = estimateTokens(t.content) + (thinking ? estimateTokens(t.reasoningForUsage) : 0);
  for (const c of t.calls) n += estimateTokens(c.name) + estimateTokens(c.arguments);
  return n;
}

function noteAttempts(request: FastifyRequest, t: EmulatedTurn): void {
  const call = request.call;
  call.account = t.account;
  call.proxy = t.proxy;
  call.attempts = t.attempts.length;
  call.upstream = t.attempts;
}

/** What the client is told for a failure after the upstream call opened. */
function clientError(request: FastifyRequest, err: unknown): OpenAIHttpError {
  if (err instanceof ModelOutputError) return invalidModelOutput(err.message);
  if (err instanceof CallError) return toOpenAIError(err);
  request.log.error({ err }, 'messages call failed');
  return new OpenAIHttpError(500, 'Internal error while answering', { code: 'internal_error' });
}

/** `app` is the /v1 scope: the paths below are relative to it. */
export function registerAnthropicMessages(app: FastifyInstance, deps: MessagesRouteDeps): void {
  // Route-level: renders this route's errors, the /v1 key check's 401 included, in Anthropic's shape.
  // The client-key allow-list compares the Grok model a claude-* name maps to (src/keys/key-gate.ts).
  const keyModel = (requested: string): string | undefined => aliasTarget(requested, aliasRules(deps.settings().modelAliases), deps.models());
  const opts = { errorHandler: anthropicErrorHandler, config: { keyModel } };

  app.post('/messages/count_tokens', opts, async (request: FastifyRequest) => {
    const parsed = countTokensRequestSchema.safeParse(request.body);
    if (!parsed.success) throw zodToOpenAIError(parsed.error);
    request.call.model = parsed.data.model;
    const p = prepare(deps, parsed.data);
    request.call.promptTokens = p.inputTokens;
    return { input_tokens: p.inputTokens };
  });

  app.post('/messages', opts, async (request: FastifyRequest, reply: FastifyReply) => {
    const call = request.call;
    const parsed = messagesRequestSchema.safeParse(request.body);
    if (!parsed.success) throw zodToOpenAIError(parsed.error);
    const body = parsed.data;
    call.model = body.model;
    refusePrefill(body);
    const p = prepare(deps, body, { maxTokens: body.max_tokens, stopSequences: body.stop_sequences });
    const stream = body.stream === true;
    call.stream = stream;
    call.path = 'grok-chat';
    call.promptTokens = p.inputTokens;
    const turn: ChatTurnRequest = {
      requestId: request.id,
      model: body.model,
      messages: p.messages,
      stream,
      includeUsage: false,
      // Thinking blocks only when asked for, as Anthropic does.
      reasoning: p.output.thinking.enabled ? 'reasoning_content' : 'hidden',
      mediaBaseUrl: () => requestBaseUrl(request),
    };
    const client = clientGoneSignal(reply);
    const started = Date.now();
    const t = await EmulatedTurn.open({
      chat: deps.chat,
      turn,
      spec: p.spec,
      signal: client,
      controls: p.output.controls,
      validator: p.output.validator,
      showSearchSources: false,
    }).catch((err: unknown) => {
      recordCallFailure(call, err);
      throw err;
    });
    noteAttempts(request, t);
    const blocks = new ContentBlocks(p.output.thinking.enabled);
    const message: Message = {
      id: messageId(),
      type: 'message',
      role: 'assistant',
      model: body.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: p.inputTokens, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    };

    if (!stream) {
      try {
        for await (const o of t.outputs()) blocks.push(o);
        blocks.finish();
      } catch (err) {
        const mapped = clientError(request, err);
        noteAttempts(request, t);
        recordCallFailure(call, mapped);
        throw mapped;
      } finally {
        t.close();
      }
      noteAttempts(request, t);
      const stop = stopReasonOf(t, blocks);
      const out = outputTokens(t, p.output.thinking.enabled);
      call.completionTokens = out;
      return reply.send({ ...message, content: blocks.blocks, stop_reason: stop.reason, stop_sequence: stop.sequence, usage: { ...message.usage, output_tokens: out } });
    }

    reply.hijack();
    const writer = new AnthropicStreamWriter(reply.raw, deps.settings().heartbeatMs);
    const streamEnded = deps.onStream?.();
    writer.start(reply.getHeaders(), message);
    try {
      for await (const o of t.outputs()) {
        await writer.blocks(blocks.push(o));
        if (client.aborted) break;
      }
      if (!client.aborted) {
        await writer.blocks(blocks.finish());
        const stop = stopReasonOf(t, blocks);
        const out = outputTokens(t, p.output.thinking.enabled);
        call.completionTokens = out;
        writer.finish(stop.reason, stop.sequence, { input_tokens: p.inputTokens, output_tokens: out });
        call.status = 200;
      }
    } catch (err) {
      if (client.aborted) writer.dispose();
      else {
        const clientErr = clientError(request, err);
        recordCallFailure(call, clientErr);
        writer.fail(clientErr);
      }
    } finally {
      t.close();
      noteAttempts(request, t);
      call.bytes = writer.bytesWritten;
      if (writer.firstByteAt) call.firstByteMs = writer.firstByteAt - started;
      if (client.aborted) call.status = 499;
      streamEnded?.();
    }
  });
}
