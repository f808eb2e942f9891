// POST /v1/responses (the OpenAI Responses API), GET/DELETE /v1/responses/{id} and
// GET /v1/responses/{id}/input_items. The answer runs through the same EmulatedTurn as emulated
// chat completions (tools, JSON output, max tokens); only the wire shapes differ.
// previous_response_id continues the stored response's Grok conversation on the account it lives
// on (mgw `load_existing`), sending only the new input (with the tool/JSON instructions again).
// It falls back to a fresh conversation with the stored history, flattened, on any account when
// that account is gone or fails, when the transport is REST, when the record has no conversation
// (an older record, a cut answer) or when `instructions` changed (they are not carried over).
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ModelRegistry, ModelSpec } from '../../config/index.js';
import {
  type ChatService,
  type ChatTurnOptions,
  conversationRefOf,
  EmulatedTurn,
  ModelOutputError,
  withInstructions,
  type ChatTurnRequest,
  type ConversationMessage,
  estimatePromptTokens,
  estimateTokens,
} from '../../gateway/index.js';
import { requestBaseUrl } from '../../media/index.js';
import { requestOwner, requestViewer } from '../../server/index.js';
import { recordCallFailure } from '../call-failure.js';
import { invalidModelOutput } from '../chat-emulated.js';
import { clientGoneSignal } from '../client-gone.js';
import { CallError } from '../../failures/index.js';
import { OpenAIHttpError, invalidRequest, toOpenAIError } from '../errors.js';
import { EventStreamWriter } from '../event-stream-writer.js';
import { zodToOpenAIError } from '../validation.js';
import { ResponseOutputBuilder, type EmitEvent, type UrlCitationAnnotation } from './output-builder.js';
import { refuseUnsupported } from './refuse-unsupported.js';
import { responsesRequestSchema, type ResponsesRequest } from './request-schema.js';
import { inputItemsOf, responseObject, responseUsage, type ResponseStatus } from './response-object.js';
import { conversationOf, instructionsDigest, ResponseStore, type StoredResponse } from './response-store.js';
import { inputToConversation, responsesOutputRequest } from './to-turn.js';

export interface ResponsesRouteDeps {
  chat: ChatService;
  models: () => ModelRegistry;
  responses: ResponseStore;
  settings: () => { heartbeatMs: number; showSearchSources: boolean };
  onStream?: (() => () => void) | undefined;
}

const idParams = z.object({ id: z.string().min(1).max(200) });
const inputItemsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  order: z.enum(['asc', 'desc']).default('desc'),
  after: z.string().optional(),
  before: z.string().optional(),
});

function notFound(id: string, param: string | null = null): OpenAIHttpError {
  return new OpenAIHttpError(404, `Response with id '${id.slice(0, 200)}' not found.`, { type: 'invalid_request_error', param, code: param ? 'previous_response_not_found' : null });
}

function flatAnnotations(list: ReturnType<EmulatedTurn['annotations']>): UrlCitationAnnotation[] {
  return list.map((a) => ({ type: 'url_citation', start_index: a.url_citation.start_index, end_index: a.url_citation.end_index, url: a.url_citation.url, title: a.url_citation.title }));
}

interface Prepared {
  body: ResponsesRequest;
  spec: ModelSpec;
  turn: ChatTurnRequest;
  /** History + this input, without instructions: what gets stored for a follow-up. */
  conversation: ConversationMessage[];
  output: ReturnType<typeof responsesOutputRequest>;
  promptTokens: number;
  showReasoning: boolean;
  /** Continue the previous response's Grok conversation (when it has one and may be continued). */
  options: ChatTurnOptions;
  instructionsDigest: string;
}

async function prepare(request: FastifyRequest, deps: ResponsesRouteDeps): Promise<Prepared> {
  const parsed = responsesRequestSchema.safeParse(request.body);
  if (!parsed.success) throw zodToOpenAIError(parsed.error);
  const body = parsed.data;
  request.call.model = body.model;
  refuseUnsupported(body);
  const spec = deps.models().resolve(body.model);
  if (!spec) throw new OpenAIHttpError(404, `The model '${body.model}' does not exist or is disabled`, { code: 'model_not_found', param: 'model' });
  if (spec.kind !== 'chat') throw invalidRequest(`The model '${body.model}' is a ${spec.kind} model; the Responses API serves chat models`, 'model', 'model_not_supported');
  const output = responsesOutputRequest(body);
  let history: ConversationMessage[] = [];
  const input = inputToConversation(body);
  const digest = instructionsDigest(body.instructions);
  let options: ChatTurnOptions = {};
  if (body.previous_response_id) {
    const prev = await deps.responses.load(body.previous_response_id, requestViewer(request));
    if (!prev) throw notFound(body.previous_response_id, 'previous_response_id');
    history = conversationOf(prev);
    const ref = conversationRefOf(prev.continuation);
    // Non-strict: the stored history is there, so a conversation that cannot be continued is re-sent.
    if (ref && prev.continuation?.instructionsDigest === digest) {
      options = { continueFrom: { from: ref, newMessages: input, strict: false, param: 'previous_response_id' } };
    }
  }
  const conversation = [...history, ...input];
  if (!conversation.some((m) => m.role === 'user' || m.role === 'tool')) {
    throw invalidRequest("'input' must contain at least one user message or function_call_output", 'input', 'missing_required_parameter');
  }
  const messages: ConversationMessage[] = body.instructions ? [{ role: 'system', text: body.instructions, attachments: [] }, ...conversation] : conversation;
  const stream = body.stream === true;
  const turn: ChatTurnRequest = {
    requestId: request.id,
    model: body.model,
    messages,
    stream,
    includeUsage: true,
    // Reasoning arrives apart from the text; it becomes a summary item only when one is asked for.
    reasoning: body.reasoning?.effort === 'none' ? 'hidden' : 'reasoning_content',
    mediaBaseUrl: () => requestBaseUrl(request),
  };
  return {
    body, spec, turn, conversation, output, options, instructionsDigest: digest,
    promptTokens: estimatePromptTokens(withInstructions(messages, output.controls)),
    showReasoning: body.reasoning?.summary !== undefined && body.reasoning.summary !== null && body.reasoning.effort !== 'none',
  };
}

// Response ids are looked up by clients: random, not guessable.
const responseId = (): string => `resp_${randomBytes(24).toString('hex')}`;

function clientError(request: FastifyRequest, err: unknown): OpenAIHttpError {
  if (err instanceof CallError) return toOpenAIError(err);
  if (err instanceof ModelOutputError) return invalidModelOutput(err.message);
  request.log.error({ err }, 'responses call failed');
  return new OpenAIHttpError(500, 'Internal error', { code: 'internal_error' });
}

async function run(request: FastifyRequest, reply: FastifyReply, deps: ResponsesRouteDeps): Promise<unknown> {
  const p = await prepare(request, deps);
  const call = request.call;
  const settings = deps.settings();
  call.stream = p.turn.stream;
  call.path = 'grok-chat';
  call.promptTokens = p.promptTokens;
  const client = clientGoneSignal(reply);
  const started = Date.now();
  const id = responseId();
  const createdAt = Math.floor(started / 1000);
  const owner = requestOwner(request);

  const t = await EmulatedTurn.open({
    chat: deps.chat, turn: p.turn, spec: p.spec, signal: client,
    controls: p.output.controls, validator: p.output.validator, showSearchSources: false, options: p.options,
  }).catch((err: unknown) => {
    recordCallFailure(call, err);
    throw err;
  });
  const note = (): void => {
    call.account = t.account;
    call.proxy = t.proxy;
    call.attempts = t.attempts.length;
    call.upstream = t.attempts;
    if (t.continuation !== 'none') call.continuation = t.continuation;
  };
  note();

  let writer: EventStreamWriter | undefined;
  let seq = 0;
  let emit: EmitEvent = () => Promise.resolve();
  let streamEnded: (() => void) | undefined;
  if (p.turn.stream) {
    reply.hijack();
    const w = new EventStreamWriter(reply.raw, settings.heartbeatMs);
    writer = w;
    streamEnded = deps.onStream?.();
    w.start(reply.getHeaders());
    emit = (type, data) => w.event(type, { sequence_number: seq++, ...data });
  }
  const builder = new ResponseOutputBuilder(emit, p.showReasoning);
  const shape = (status: ResponseStatus, extra: { error?: { code: string; message: string } } = {}) =>
    responseObject({ id, createdAt, body: p.body, status, output: builder.items, usage: null, ...extra });
  try {
    await emit('response.created', { response: shape('in_progress') });
    await emit('response.in_progress', { response: shape('in_progress') });
    for await (const o of t.outputs()) {
      await builder.push(o);
      if (client.aborted) break;
    }
    if (client.aborted) {
      // Nobody to answer, and a cut answer is not stored as if it were complete. The writer is
      // disposed in `finally` (its heartbeat timer would otherwise keep running).
      if (writer) return undefined;
      throw new OpenAIHttpError(499, 'The client closed the request', { code: 'client_closed_request' });
    }
    const incomplete = t.finishReason === 'length';
    await builder.finish(flatAnnotations(t.annotations()), incomplete);
    let content = estimateTokens(t.content);
    for (const c of t.calls) content += estimateTokens(c.name) + estimateTokens(c.arguments);
    const reasoning = estimateTokens(t.reasoningForUsage);
    call.completionTokens = content + reasoning;
    if (t.calls.length > 0) call.toolCalls = t.calls.map((c) => c.name);
    const status: ResponseStatus = incomplete ? 'incomplete' : 'completed';
    const response = responseObject({ id, createdAt, body: p.body, status, output: builder.items, usage: responseUsage(p.promptTokens, content, reasoning), incomplete });
    if (p.body.store !== false) {
      const assistant: ConversationMessage = { role: 'assistant', text: builder.outputText, attachments: [] };
      if (t.calls.length > 0) assistant.toolCalls = t.calls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments }));
      const record: StoredResponse = { version: 1, owner, response, inputItems: inputItemsOf(p.body), conversation: [...p.conversation, assistant] };
      const ref = t.conversation();
      if (ref) record.continuation = { ...ref, instructionsDigest: p.instructionsDigest };
      // The answer is still given when storing fails; the failure is logged (and GET will 404).
      await deps.responses.save(id, record).catch((err: unknown) => request.log.error({ err, responseId: id }, 'storing the response failed'));
    }
    call.status = 200;
    if (!writer) return reply.send(response);
    await emit(incomplete ? 'response.incomplete' : 'response.completed', { response });
    writer.end();
    return undefined;
  } catch (err) {
    note();
    if (client.aborted) {
      if (!writer) throw err;
      return undefined;
    }
    const clientErr = clientError(request, err);
    recordCallFailure(call, clientErr);
    if (!writer) throw clientErr;
    // The openai SDKs raise an `error` event as an APIError; response.failed carries the final object.
    await emit('error', { code: clientErr.code, message: clientErr.message, param: clientErr.param });
    await emit('response.failed', { response: shape('failed', { error: { code: clientErr.code ?? 'server_error', message: clientErr.message } }) });
    writer.end();
    return undefined;
  } finally {
    t.close();
    note();
    if (writer) {
      // Idempotent after end(); on the paths that return early (client gone) it stops the heartbeat.
      writer.dispose();
      call.bytes = writer.bytesWritten;
      if (writer.firstByteAt) call.firstByteMs = writer.firstByteAt - started;
      streamEnded?.();
    }
    if (client.aborted) call.status = 499;
  }
}

/** `app` is the /v1 scope: the paths below are relative to it. */
export function registerResponses(app: FastifyInstance, deps: ResponsesRouteDeps): void {
  app.post('/responses', (request, reply) => run(request, reply, deps));

  app.get('/responses/:id', async (request) => {
    const { id } = idParams.parse(request.params);
    const q = request.query as Record<string, unknown>;
    if (q.stream === 'true' || q.stream === true) {
      throw new OpenAIHttpError(400, "Unsupported parameter: 'stream' is not supported when retrieving a response: the stored response is returned whole.", { param: 'stream', code: 'unsupported_parameter' });
    }
    const rec = await deps.responses.load(id, requestViewer(request));
    if (!rec) throw notFound(id);
    return rec.response;
  });

  app.delete('/responses/:id', async (request) => {
    const { id } = idParams.parse(request.params);
    if (!(await deps.responses.delete(id, requestViewer(request)))) throw notFound(id);
    return { id, object: 'response', deleted: true };
  });

  app.get('/responses/:id/input_items', async (request) => {
    const { id } = idParams.parse(request.params);
    const q = inputItemsQuery.safeParse(request.query);
    if (!q.success) throw zodToOpenAIError(q.error, 'query');
    const rec = await deps.responses.load(id, requestViewer(request));
    if (!rec) throw notFound(id);
    let items = q.data.order === 'asc' ? rec.inputItems : [...rec.inputItems].reverse();
    const cursorAt = (cursor: string | undefined): number => (cursor === undefined ? -1 : items.findIndex((i) => i.id === cursor));
    if (q.data.after !== undefined) items = items.slice(cursorAt(q.data.after) + 1);
    if (q.data.before !== undefined) {
      const at = cursorAt(q.data.before);
      if (at >= 0) items = items.slice(0, at);
    }
    const page = items.slice(0, q.data.limit);
    return {
      object: 'list',
      data: page,
      first_id: (page[0]?.id as string | undefined) ?? null,
      last_id: (page[page.length - 1]?.id as string | undefined) ?? null,
      has_more: items.length > page.length,
    };
  });
}
