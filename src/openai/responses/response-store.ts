// Stored Responses API objects: what GET /v1/responses/{id}, DELETE, input_items and
// previous_response_id read. One document per response in the configured store (file, Redis,
// MySQL), expiring `responses.ttl` seconds after it was written. A response belongs to the API key
// that created it: any other key is told it does not exist (404), as with video jobs.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canAccess, type ResourceOwner, type ResourceViewer, type ConversationMessage } from '../../gateway/index.js';
import type { DocumentStore } from '../../store/index.js';

const conversationMessageSchema = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  text: z.string(),
  name: z.string().optional(),
  attachments: z.array(z.object({ kind: z.enum(['image', 'file']), url: z.string(), filename: z.string().optional(), mimeType: z.string().optional(), param: z.string().optional() })),
  toolCalls: z.array(z.object({ id: z.string(), name: z.string(), arguments: z.string() })).optional(),
  toolCallId: z.string().optional(),
});

export const storedResponseSchema = z.object({
  version: z.literal(1),
  owner: z.string(),
  /** The Response object as the client got it. */
  response: z.record(z.string(), z.unknown()),
  /** This request's input items (with ids), for GET /v1/responses/{id}/input_items. */
  inputItems: z.array(z.record(z.string(), z.unknown())),
  /**
   * The whole conversation up to and including this response's output, without `instructions`
   * (OpenAI does not carry them over): what a follow-up with previous_response_id continues.
   */
  conversation: z.array(conversationMessageSchema),
  /**
   * Where this response's answer lives upstream (mgw only): a follow-up with
   * previous_response_id continues it on the same account instead of re-sending the history.
   * `instructionsDigest` is the digest of the `instructions` the conversation was started or
   * continued with: those are not carried over, so a follow-up with other instructions cannot
   * continue it (the server side holds the old ones) and sends the flattened history instead.
   */
  continuation: z.object({
    accountId: z.string().optional(),
    conversationId: z.string().optional(),
    upstreamResponseId: z.string().optional(),
    instructionsDigest: z.string().optional(),
  }).optional(),
});
export type StoredResponse = z.infer<typeof storedResponseSchema>;

const keyOf = (id: string): string => `response:${id}`;

export class ResponseStore {
  constructor(
    private readonly documents: () => DocumentStore,
    private readonly ttlMs: () => number,
  ) {}

  async save(id: string, record: StoredResponse): Promise<void> {
    await this.documents().put(keyOf(id), JSON.stringify(record), this.ttlMs());
  }

  /** The record when it exists, has not expired and `viewer` may see it. */
  async load(id: string, viewer: ResourceViewer): Promise<StoredResponse | undefined> {
    const text = await this.documents().get(keyOf(id));
    if (text === undefined) return undefined;
    let parsed: StoredResponse;
    try {
      parsed = storedResponseSchema.parse(JSON.parse(text));
    } catch {
      return undefined; // a damaged or foreign document is not a response
    }
    return canAccess(viewer, parsed.owner) ? parsed : undefined;
  }

  /** True when the response existed for `viewer` and is now deleted. */
  async delete(id: string, viewer: ResourceViewer): Promise<boolean> {
    if (!(await this.load(id, viewer))) return false;
    return this.documents().delete(keyOf(id));
  }
}

export function conversationOf(record: StoredResponse): ConversationMessage[] {
  return record.conversation as ConversationMessage[];
}

export type { ResourceOwner };

/** Digest of a request's `instructions` (absent and empty are the same: no system prompt). */
export function instructionsDigest(instructions: string | null | undefined): string {
  return createHash('sha256').update(instructions ?? '').digest('base64url');
}
