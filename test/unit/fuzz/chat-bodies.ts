import fc from 'fast-check';
import { deepJsonText, edgeNumber, hostileValue } from './hostile.js';
import { clampInput, replaceAt } from './tool-inputs.js';

const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }), fc.constantFrom('hello there', 'What is 2+2?', ''));
const part = fc.oneof(
  fc.record({ type: fc.constant('text'), text }),
  fc.record({ type: fc.constant('image_url'), image_url: fc.record({ url: fc.constantFrom('data:image/png;base64,iVBORw0KGgo=', 'http://127.0.0.1:9/x.png') }) }),
);
const toolCall = fc.record({
  id: fc.string({ maxLength: 8 }),
  type: fc.constant('function'),
  function: fc.record({ name: fc.string({ maxLength: 8 }), arguments: fc.oneof(fc.constantFrom('{}', '{"a":1}', '[]', 'null', '{'), fc.string({ maxLength: 10 })) }),
});
const message = fc.record({ role: fc.constantFrom('system', 'developer', 'user', 'assistant'), content: fc.oneof(text, fc.array(part, { minLength: 1, maxLength: 2 }), fc.constant(null)) });

const toolName = fc.stringMatching(/^[a-zA-Z0-9_-]{1,64}$/);
const fnTool = fc.record({ type: fc.constant('function'), function: fc.record({ name: toolName, description: fc.string({ maxLength: 20 }), parameters: fc.constant({ type: 'object', properties: {} }) }, { requiredKeys: ['name'] }) });
const format = fc.oneof(
  fc.constantFrom({ type: 'text' }, { type: 'json_object' }),
  fc.record({ type: fc.constant('json_schema'), json_schema: fc.record({ name: toolName, schema: fc.constant({ type: 'object' }), strict: fc.boolean() }, { requiredKeys: ['name'] }) }),
);
const tokens = fc.integer({ min: 1, max: 4 });
const user = fc.record({ role: fc.constant('user'), content: fc.oneof(text, fc.array(part, { minLength: 1, maxLength: 2 })) });

/**
 * Valid chat-completion bodies, with the fields OpenAI documents that LLMOS
 * reads (a user message last, values in range): the invalid ones come from
 * oddField, numericEdge and hostile values laid over these.
 */
export const chatBody = fc.record(
  {
    model: fc.constantFrom('auto', 'echo', 'echo-2', 'auto', 'auto', 'no-such-model'),
    messages: fc.tuple(fc.array(message, { maxLength: 3 }), user).map(([before, last]) => [...before, last]),
    max_tokens: tokens,
    max_completion_tokens: tokens,
    temperature: fc.double({ min: 0, max: 2, noNaN: true }),
    seed: fc.integer(),
    n: fc.constant(1),
    stream: fc.boolean(),
    stream_options: fc.record({ include_usage: fc.boolean() }),
    tool_choice: fc.constant('none'),
    response_format: format,
    user: fc.string({ maxLength: 10 }),
    metadata: fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
  },
  { requiredKeys: ['model', 'messages'] },
);

const toolCallTurn = { role: 'assistant', content: null, tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: '{' } }] };

/** One field with a value OpenAI's API knows but LLMOS refuses or must carry through: tools, tool turns, deprecated roles, n > 1. */
const oddField = fc.oneof(
  fc.constantFrom<[string, unknown]>(
    ['n', 2], ['n', 0], ['tool_choice', 'required'], ['tool_choice', 'bogus'], ['tool_choice', { type: 'function', function: { name: 'nope' } }],
    ['response_format', { type: 'xml' }], ['messages', []], ['messages', [{ role: 'function', content: 'x' }]], ['messages', [{ role: 'tool', content: 'x' }]],
    ['messages', [{ role: 'tool', content: 'x', tool_call_id: 'a' }]], ['messages', [toolCallTurn, { role: 'user', content: 'x' }]], ['model', ''],
    ['stream_options', { include_usage: 'yes' }], ['max_tokens', 0], ['temperature', 2.5],
    ['messages', [{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }]], ['messages', [{ role: 'user', content: [{ type: 'image_url', image_url: { url: '' } }] }]],
    ['messages', [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:text/html,<b>' } }] }]],
  ),
  fc.tuple(fc.constant('tools'), fc.array(fnTool, { minLength: 1, maxLength: 2 })),
  fc.tuple(fc.constant('messages'), fc.array(toolCall, { minLength: 1, maxLength: 2 }).map((tool_calls) => [{ role: 'assistant', content: null, tool_calls }, { role: 'user', content: 'x' }])),
);

/** Edge values for the numeric fields, 1e12 among them. */
const numericEdge = fc.tuple(fc.constantFrom('max_tokens', 'max_completion_tokens', 'temperature', 'seed', 'n'), fc.oneof(edgeNumber, fc.constant(1e12)));

/** Request bodies that are not a JSON object, or not JSON at all. */
const rawBody = fc.oneof(
  fc.constantFrom('', '{', 'null', '[]', '"text"', '1e999', '{"model":"auto","messages":[{"role":"user","content":"x"}]', '{"a":1,"a":2}', '\uFEFF{}'),
  deepJsonText.map((v) => `{"model":"auto","messages":[{"role":"user","content":${v}}]}`),
  fc.string({ maxLength: 40 }),
);

/**
 * A request body as text: mostly chatBody with max_tokens clamped to 4 (set
 * when absent), some with one slot replaced by a hostile value, some raw.
 */
export const chatRequestText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: chatBody.map((b) => JSON.stringify(clampInput(b, { properties: { max_tokens: {} } }))), weight: 5 },
  {
    arbitrary: fc.tuple(chatBody, fc.nat(), hostileValue, fc.nat(9)).map(([b, i, h, d]) => JSON.stringify(clampInput(replaceAt(b, i, h, d === 0) as Record<string, unknown>, { properties: { max_tokens: {} } }))),
    weight: 2,
  },
  { arbitrary: fc.tuple(chatBody, fc.oneof(oddField, numericEdge)).map(([b, [k, v]]) => JSON.stringify({ ...b, [k]: v })), weight: 2 },
  { arbitrary: rawBody, weight: 1 },
);
