// The Responses API request (POST /v1/responses), as zod. Loose objects: unknown fields are checked
// by name in refuse-unsupported.ts (refused when they would change the result, else accepted).
import { z } from 'zod';

const MAX_MODEL_LENGTH = 256;

const inputText = z.looseObject({ type: z.literal('input_text'), text: z.string() });
const outputText = z.looseObject({ type: z.literal('output_text'), text: z.string() });
const refusal = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });
const inputImage = z.looseObject({
  type: z.literal('input_image'),
  image_url: z.string().nullish(),
  file_id: z.string().nullish(),
  detail: z.enum(['low', 'high', 'auto']).nullish(),
});
const inputFile = z.looseObject({
  type: z.literal('input_file'),
  file_data: z.string().nullish(),
  file_id: z.string().nullish(),
  file_url: z.string().nullish(),
  filename: z.string().nullish(),
});
export const contentPartSchema = z.discriminatedUnion('type', [inputText, outputText, refusal, inputImage, inputFile]);
export type ResponsesContentPart = z.infer<typeof contentPartSchema>;

const messageItem = z.looseObject({
  type: z.literal('message').optional(),
  id: z.string().nullish(),
  role: z.enum(['user', 'assistant', 'system', 'developer']),
  content: z.union([z.string(), z.array(contentPartSchema)]),
  status: z.string().nullish(),
});
const functionCallItem = z.looseObject({
  type: z.literal('function_call'),
  id: z.string().nullish(),
  call_id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.string(),
  status: z.string().nullish(),
});
const functionCallOutputItem = z.looseObject({
  type: z.literal('function_call_output'),
  id: z.string().nullish(),
  call_id: z.string().min(1),
  output: z.union([z.string(), z.array(contentPartSchema)]),
  status: z.string().nullish(),
});
/** Earlier reasoning and hosted search calls: sent back by clients, they add nothing to the prompt. */
const passiveItem = z.looseObject({ type: z.enum(['reasoning', 'web_search_call']), id: z.string().nullish() });
const itemReference = z.looseObject({ type: z.literal('item_reference'), id: z.string() });

export type ResponsesMessageItem = z.infer<typeof messageItem>;

export const inputItemSchema = z.union([functionCallItem, functionCallOutputItem, passiveItem, itemReference, messageItem]);
export type ResponsesInputItem = z.infer<typeof inputItemSchema>;

const functionTool = z.looseObject({
  type: z.literal('function'),
  name: z.string(),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});
const otherTool = z.looseObject({ type: z.string() });

const textFormat = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'name must match ^[A-Za-z0-9_-]{1,64}$'),
    description: z.string().nullish(),
    schema: z.record(z.string(), z.unknown()),
    strict: z.boolean().nullish(),
  }),
]);

export const responsesRequestSchema = z.looseObject({
  model: z.string().min(1, 'model is required').max(MAX_MODEL_LENGTH, `model is longer than ${MAX_MODEL_LENGTH} characters`),
  input: z.union([z.string(), z.array(inputItemSchema)]).optional(),
  instructions: z.string().nullish(),
  previous_response_id: z.string().nullish(),
  tools: z.array(z.union([functionTool, otherTool])).nullish(),
  tool_choice: z.union([
    z.enum(['auto', 'none', 'required']),
    z.looseObject({ type: z.literal('function'), name: z.string() }),
    z.looseObject({ type: z.string() }),
  ]).nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  text: z.looseObject({ format: textFormat.nullish(), verbosity: z.enum(['low', 'medium', 'high']).nullish() }).nullish(),
  reasoning: z.looseObject({
    effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).nullish(),
    summary: z.enum(['auto', 'concise', 'detailed']).nullish(),
  }).nullish(),
  max_output_tokens: z.number().int().min(16, 'max_output_tokens must be at least 16').nullish(),
  stream: z.boolean().nullish(),
  store: z.boolean().nullish(),
  // Accepted for compatibility, not forwarded: Grok web has no such knobs (as on chat completions).
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  user: z.string().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  truncation: z.enum(['auto', 'disabled']).nullish(),
  include: z.array(z.string()).nullish(),
});
export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;
