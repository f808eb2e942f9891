// POST /v1/chat/completions: validate, resolve the model, then stream (SSE) or collect.
import { completionId } from './completion-id.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ModelRegistry, ModelSpec } from '../config/index.js';
import {
  type ChatService,
  answerTokens,
  type ChatTurnRequest,
  type ReasoningMode,
  buildUsage,
  estimatePromptTokens,
  needsEmulation,
  withInstructions,
  ConversationMemory,
  type ChatTurnOptions,
} from '../gateway/index.js';
import { CallError } from '../failures/index.js';
import { parseChatRequest, type ChatRequestInput } from './chat-request-schema.js';
import { ChatStreamWriter } from './chat-stream-writer.js';
import { OpenAIHttpError, invalidRequest, toOpenAIError } from './errors.js';
import { toConversation } from './to-conversation.js';
import { zodToOpenAIError } from './validation.js';
import { recordCallFailure } from './call-failure.js';
import { clientGoneSignal } from './client-gone.js';
import { collectEmulated, streamEmulated } from './chat-emulated.js';
import { outputRequest } from './output-request.js';
import { requestBaseUrl } from '../media/index.js';

/** chat.continue_conversations: answers continuable for an hour, at most this many remembered. */
const CONTINUE_TTL_MS = 60 * 60 * 1000;
const CONTINUE_MAX_ENTRIES = 10_000;

export interface ChatRouteDeps {
  chat: ChatService;
  models: () => ModelRegistry;
  /** Live settings. */
  settings: () => { reasoning: ReasoningMode; heartbeatMs: number; showSearchSources: boolean; continueConversations?: boolean };
  /** chat.continue_conversations' memory of answered turns (absent: one per registration, per instance). */
  conversations?: ConversationMemory;
  /** Told when an SSE stream starts; the returned function is called once when it ends (metrics, graceful shutdown). */
  onStream?: () => () => void;
  /** Answers requests for image, image-edit and video models (absent = they get a 400). */
  media?: (request: FastifyRequest, reply: FastifyReply, body: ChatRequestInput, spec: ModelSpec) => Promise<unknown>;
}


/** `app` is the /v1 scope: the path below is relative to it. */
export function registerChatCompletions(app: FastifyInstance, deps: ChatRouteDeps): void {
  const conversations = deps.conversations ?? new ConversationMemory({ maxEntries: CONTINUE_MAX_ENTRIES, ttlMs: CONTINUE_TTL_MS });
  app.post('/chat/completions', async (request: FastifyRequest, reply: FastifyReply) => {
    const call = request.call;
    const parsed = parseChatRequest(request.body);
    if (!parsed.success) throw zodToOpenAIError(parsed.error);
    const body = parsed.data;
    call.model = body.model;
    const spec = deps.models().resolve(body.model);
    if (!spec) {
      throw new OpenAIHttpError(404, `The model '${body.model}' does not exist or is disabled`, {
        code: 'model_not_found',
        param: 'model',
      });
    }
    if (spec.kind !== 'chat') {
      if (deps.media) return deps.media(request, reply, body, spec);
      throw invalidRequest(`The model '${body.model}' is a ${spec.kind} model; use the matching endpoint`, 'model', 'model_not_supported');
    }
    if ((body.n ?? 1) > 1) throw invalidRequest('n greater than 1 is only supported by image models', 'n', 'invalid_value');
    // tools, response_format, stop, max tokens: checked here (400 naming the parameter), emulated below.
    const output = outputRequest(body);
    const messages = toConversation(body.messages);
    const settings = deps.settings();
    const reasoning: ReasoningMode = body.reasoning_effort === 'none' ? 'hidden' : settings.reasoning;
    const stream = body.stream === true;
    call.stream = stream;
    call.path = 'grok-chat';
    const turn: ChatTurnRequest = {
      requestId: request.id,
      model: body.model,
      messages,
      stream,
      includeUsage: body.stream_options?.include_usage === true,
      reasoning,
      mediaBaseUrl: () => requestBaseUrl(request),
    };
    // The tool and JSON sections are part of what the model reads (OpenAI counts tool definitions too).
    const promptTokens = estimatePromptTokens(withInstructions(messages, output.controls));
    call.promptTokens = promptTokens;
    const client = clientGoneSignal(reply);
    const started = Date.now();

    if (needsEmulation(output.controls)) {
      const args = {
        chat: deps.chat, turn, spec, output, client,
        showSearchSources: settings.showSearchSources, heartbeatMs: settings.heartbeatMs,
        completionId: completionId(), started, promptTokens, onStream: deps.onStream,
      };
      return stream ? streamEmulated(request, reply, args) : collectEmulated(request, reply, args);
    }

    // Tool/JSON emulation (above) rewrites answers, so only plain turns continue conversations.
    const continuing = settings.continueConversations === true;
    const match = continuing ? conversations.match(messages) : undefined;
    const turnOpts: ChatTurnOptions = match ? { continueFrom: { from: match.ref, newMessages: match.newMessages } } : {};

    if (!stream) {
      const done = await deps.chat.collect(turn, spec, client, turnOpts).catch((err: unknown) => {
        recordCallFailure(call, err);
        throw err;
      });
      call.account = done.account;
      call.proxy = done.proxy;
      call.attempts = done.attempts.length;
      call.upstream = done.attempts;
      if (done.continuation !== 'none') call.continuation = done.continuation;
      const a = done.answer;
      const content = a.contentText();
      const reasoningText = a.reasoningText();
      // Reasoning is billed by OpenAI even when hidden; count what Grok produced.
      const tokens = answerTokens(a);
      call.completionTokens = tokens.content + tokens.reasoning;
      const message: Record<string, unknown> = { role: 'assistant', content, refusal: null };
      if (reasoningText && reasoning === 'reasoning_content') message.reasoning_content = reasoningText;
      const annotations = a.annotations();
      if (annotations.length > 0) message.annotations = annotations;
      if (continuing && done.conversation) conversations.remember(messages, content, done.conversation);
      return reply.send({
        id: completionId(),
        object: 'chat.completion',
        created: Math.floor(started / 1000),
        model: body.model,
        system_fingerprint: a.modelHash ?? null,
        choices: [{ index: 0, message, logprobs: null, finish_reason: 'stop' }],
        usage: buildUsage(promptTokens, tokens.content, tokens.reasoning),
      });
    }

    const chatCall = await deps.chat.openCall(turn, spec, client, { ...turnOpts, showSearchSources: settings.showSearchSources }).catch((err: unknown) => {
      recordCallFailure(call, err);
      throw err;
    });
    call.account = chatCall.account;
    call.proxy = chatCall.proxy;
    call.attempts = chatCall.attempts.length;
    call.upstream = chatCall.attempts;
    if (chatCall.continuation !== 'none') call.continuation = chatCall.continuation;
    reply.hijack();
    const writer = new ChatStreamWriter(
      reply.raw,
      // The first events usually carry Grok's model hash: then even the role chunk has the fingerprint.
      { id: completionId(), created: Math.floor(started / 1000), model: body.model, includeUsage: turn.includeUsage, systemFingerprint: chatCall.modelHash },
      settings.heartbeatMs,
    );
    const streamEnded = deps.onStream?.();
    // Headers the hooks set (x-request-id, CORS, security headers) go out with the SSE head.
    writer.start(reply.getHeaders());
    try {
      const answer = await chatCall.stream((d) => {
        writer.systemFingerprint(chatCall.modelHash);
        return writer.delta(d.content, d.reasoning);
      });
      if (answer && !client.aborted) {
        writer.systemFingerprint(chatCall.modelHash);
        const tokens = answerTokens(answer);
        call.completionTokens = tokens.content + tokens.reasoning;
        const extra: Record<string, unknown> = {};
        const annotations = answer.annotations();
        if (annotations.length > 0) extra.annotations = annotations;
        writer.finish('stop', buildUsage(promptTokens, tokens.content, tokens.reasoning), extra);
        call.status = 200;
        const ref = continuing ? chatCall.conversation() : undefined;
        if (ref) conversations.remember(messages, answer.contentText(), ref);
      }
    } catch (err) {
      if (client.aborted) {
        writer.dispose();
      } else {
        const clientErr = err instanceof CallError
          ? toOpenAIError(err)
          : new OpenAIHttpError(500, 'Internal error while streaming', { code: 'internal_error' });
        recordCallFailure(call, clientErr);
        if (!(err instanceof CallError)) request.log.error({ err }, 'stream failed');
        writer.fail(clientErr);
      }
    } finally {
      chatCall.close();
      call.bytes = writer.bytesWritten;
      if (writer.firstByteAt) call.firstByteMs = writer.firstByteAt - started;
      if (client.aborted) call.status = 499;
      streamEnded?.();
    }
  });
}
