import { z } from 'zod';

/**
 * The one message model every surface (MCP proc_spawn, the OpenAI gateway)
 * and every backend translates to and from. A message's content is either a
 * plain string (the simple form, always valid) or a list of content blocks.
 * Every field a client sends here is bounded: clients are untrusted.
 */

/** Tools one task may offer the model. */
export const MAX_TOOLS = 128;
/** Bytes of one JSON schema (a tool's input schema, a response format's schema), as JSON. */
export const MAX_SCHEMA_BYTES = 64 * 1024;
/** Content blocks in one message. */
export const MAX_BLOCKS = 512;
/** Characters of one tool's description: Claude Code's own tools run past 8,192 (its Bash tool's alone does), so the bound is the schema's. */
export const MAX_TOOL_DESCRIPTION = 64 * 1024;
/** Characters of one image's base64 data (~15 MB decoded) or URL. */
export const MAX_IMAGE_CHARS = 20 * 1024 * 1024;

const jsonBytes = (v: unknown): number => Buffer.byteLength(JSON.stringify(v) ?? '');

/** A JSON schema: an object, at most MAX_SCHEMA_BYTES as JSON. Not checked against the JSON-schema meta-schema. */
export const JsonSchemaObject = z
  .record(z.string(), z.unknown())
  .refine((s) => jsonBytes(s) <= MAX_SCHEMA_BYTES, { message: `the JSON schema is over ${MAX_SCHEMA_BYTES} bytes; send a smaller schema` });

export const TextBlockSchema = z.object({ type: z.literal('text'), text: z.string() });

export const ImageBlockSchema = z.object({
  type: z.literal('image'),
  source: z.discriminatedUnion('type', [
    z.object({ type: z.literal('base64'), media_type: z.string().regex(/^image\/[a-z0-9.+-]+$/i).max(64), data: z.string().max(MAX_IMAGE_CHARS) }),
    z.object({ type: z.literal('url'), url: z.string().url().max(MAX_IMAGE_CHARS) }),
  ]),
});

/** The model asks the caller to run a tool; `id` pairs it with the tool_result that answers it. */
export const ToolUseBlockSchema = z.object({
  type: z.literal('tool_use'),
  id: z.string().min(1).max(256),
  name: z.string().min(1).max(64),
  input: z.record(z.string(), z.unknown()),
});

/** The caller's answer to a tool_use; is_error says the tool failed and content says why. */
export const ToolResultBlockSchema = z.object({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1).max(256),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [TextBlockSchema, ImageBlockSchema])).max(MAX_BLOCKS)]),
  is_error: z.boolean().optional(),
});

export const ContentBlockSchema = z.discriminatedUnion('type', [TextBlockSchema, ImageBlockSchema, ToolUseBlockSchema, ToolResultBlockSchema]);
export type TextBlock = z.infer<typeof TextBlockSchema>;
export type ImageBlock = z.infer<typeof ImageBlockSchema>;
export type ToolUseBlock = z.infer<typeof ToolUseBlockSchema>;
export type ToolResultBlock = z.infer<typeof ToolResultBlockSchema>;
export type ContentBlock = z.infer<typeof ContentBlockSchema>;

/** A message's content: a string (the simple form) or content blocks. */
export const ContentSchema = z.union([z.string(), z.array(ContentBlockSchema).max(MAX_BLOCKS)]);
export type Content = z.infer<typeof ContentSchema>;

/**
 * One message of a transcript. Role "tool" carries tool_result blocks (as
 * OpenAI's tool messages do); tool_result blocks in a user message (as
 * Anthropic sends them) mean the same.
 */
export const MessageSchema = z.object({
  role: z.enum(['system', 'user', 'assistant', 'tool']),
  content: ContentSchema,
});
export type Message = z.infer<typeof MessageSchema>;
export type Role = Message['role'];

/** A tool the model may call: its input is an object matching input_schema. */
export const ToolDefinitionSchema = z.object({
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'a tool name is 1 to 64 letters, digits, "_" or "-"'),
  description: z.string().max(MAX_TOOL_DESCRIPTION).optional(),
  input_schema: JsonSchemaObject,
});
export type ToolDefinition = z.infer<typeof ToolDefinitionSchema>;

/** auto: the model decides; none: no tool; required: at least one tool; {type:'tool', name}: that tool. */
export const ToolChoiceSchema = z.union([z.enum(['auto', 'none', 'required']), z.object({ type: z.literal('tool'), name: z.string().min(1).max(64) })]);
export type ToolChoice = z.infer<typeof ToolChoiceSchema>;

/** Structured output: any JSON object, or JSON that matches `schema` (strictly, when strict is true). */
export const ResponseFormatSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'a schema name is 1 to 64 letters, digits, "_" or "-"'),
    description: z.string().max(8192).optional(),
    schema: JsonSchemaObject,
    strict: z.boolean().optional(),
  }),
]);
export type ResponseFormat = z.infer<typeof ResponseFormatSchema>;

/** The blocks of any content: the simple form is one text block. */
export const blocksOf = (content: Content): ContentBlock[] => (typeof content === 'string' ? [{ type: 'text', text: content }] : content);

/** The text blocks of a content, joined: what a text-only model reads. */
export function plainText(content: Content): string {
  if (typeof content === 'string') return content;
  let out = '';
  for (const b of content) if (b.type === 'text') out += b.text;
  return out;
}

/**
 * The text of a content for token estimates: text blocks, tool calls (name
 * and JSON input) and tool results. Images add nothing (their base64 is not
 * text a tokenizer reads).
 */
export function contentText(content: Content): string {
  if (typeof content === 'string') return content;
  return content.map(blockText).filter(Boolean).join('\n');
}

function blockText(b: ContentBlock): string {
  switch (b.type) {
    case 'text':
      return b.text;
    case 'image':
      return '';
    case 'tool_use':
      return `${b.name} ${JSON.stringify(b.input)}`;
    case 'tool_result':
      return contentText(b.content);
  }
}

/** The text of tool definitions for token estimates: what a backend sends the model. */
export const toolsText = (tools: readonly ToolDefinition[]): string => tools.map((t) => `${t.name} ${t.description ?? ''} ${JSON.stringify(t.input_schema)}`).join('\n');

/** The tool_use blocks of a model's answer. */
export const toolUses = (content: readonly ContentBlock[] | undefined): ToolUseBlock[] => (content ?? []).filter((b): b is ToolUseBlock => b.type === 'tool_use');
