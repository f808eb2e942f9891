// Client frames of the mgw chat WebSocket (docs/grok-protocol.md "mgw client events"), exactly
// as the web app sends them: session.create, conversation.item.create, response.create, ping.
import { randomUUID } from 'node:crypto';
import type { ChatContinuation } from '../chat-turn.js';

export interface SessionOptions {
  /** fast | auto | expert | heavy */
  model: string;
  temporary: boolean;
  disableMemory: boolean;
  imageGenerationCount: number;
  continuation?: ChatContinuation | undefined;
}

export function newInitEventId(): string {
  return `evt_init_${randomUUID()}`;
}

export function sessionCreate(eventId: string, o: SessionOptions): Record<string, unknown> {
  const xGrok: Record<string, unknown> = {
    protocol_capabilities: ['conversation_attached', 'custom_methods_v1'],
    use_chunk: true,
    enable_side_by_side: true,
    force_side_by_side: false,
    enable_image_generation: true,
    image_generation_count: o.imageGenerationCount,
    disable_text_follow_ups: false,
    disable_artifact: true,
    force_concise: false,
  };
  const c = o.continuation;
  if (c) {
    xGrok.conversation_id = c.conversationId;
    xGrok.load_existing = true;
    xGrok.needs_history = false;
    return { session_id: c.conversationId, event: { type: 'session.create', event_id: eventId, session: { model: o.model, x_grok: xGrok } } };
  }
  xGrok.keep_context = false;
  xGrok.is_temporary = o.temporary;
  xGrok.disable_memory = o.disableMemory;
  return { event: { type: 'session.create', event_id: eventId, session: { model: o.model, x_grok: xGrok } } };
}

/** File mentions first (upload order), then the one text chunk; file ids twice (item and event level). */
export function itemCreate(sessionId: string, stamp: number, text: string, fileIds: readonly string[], parentResponseId?: string): Record<string, unknown> {
  const chunks: unknown[] = fileIds.map((id) => ({ mention: { target: { file_mention: { file_id: id } } } }));
  chunks.push({ text: { text } });
  const item: Record<string, unknown> = {
    type: 'message',
    role: 'user',
    x_grok: { client_message_id: randomUUID(), input_chunks: chunks },
  };
  if (fileIds.length > 0) item.file_attachment_ids = [...fileIds];
  const event: Record<string, unknown> = { type: 'conversation.item.create', event_id: `evt_msg_${stamp}`, item };
  if (parentResponseId !== undefined) event.parent_response_id = parentResponseId;
  if (fileIds.length > 0) event.file_attachment_ids = [...fileIds];
  return { session_id: sessionId, event };
}

export function responseCreate(sessionId: string, stamp: number): Record<string, unknown> {
  return { session_id: sessionId, event: { type: 'response.create', event_id: `evt_resp_${stamp}` } };
}

export function ping(stamp: number): Record<string, unknown> {
  return { event: { type: 'ping', event_id: `evt_hb_${stamp}` } };
}

/** `wss://host/ws/mgw/?uid=<uid>` from the base URL (http → ws, https → wss; its path and query replaced). */
export function mgwUrl(baseUrl: string, userId: string): string {
  return withUid(mgwUrlPrefix(baseUrl), userId);
}

/** The socket URL from mgwUrlPrefix's prefix. */
export function withUid(prefix: string, userId: string): string {
  // `'` too, as the URL parser encodes it in a ws(s) query (the uid is a UUID; this keeps any string exact).
  return prefix + encodeURIComponent(userId).replace(/'/g, '%27');
}

/**
 * `wss://host/ws/mgw/?uid=` for a base URL: what mgwUrl puts before the encoded uid. A client with
 * one base URL makes it once (parsing the URL on every turn cost more than the rest of the URL work).
 */
export function mgwUrlPrefix(baseUrl: string): string {
  const u = new URL(baseUrl);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.pathname = '/ws/mgw/';
  u.search = '?uid=';
  u.hash = '';
  return u.toString();
}
