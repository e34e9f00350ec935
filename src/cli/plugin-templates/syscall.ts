import { API_RANGE, type KindTemplate } from './common.js';
import type { PluginNames } from './names.js';

/** "<area>_hello", the area cut so the name stays within the 40 characters syscall names may have. */
const helloName = (n: PluginNames) => `${n.snake.slice(0, 34).replace(/_+$/, '')}_hello`;

export const syscallTemplate: KindTemplate = {
  provides: 'syscall',
  summary: 'Syscalls (MCP tools) only: an example greeting tool to replace with your own.',
  implFile: 'syscalls',
  impl: (n) => `import { defineSyscall, z } from 'llmos/plugin-api';

/**
 * The syscalls this plugin adds; each becomes an MCP tool. Names are
 * snake_case area_verb, at most 40 characters; handlers only decode their
 * arguments and call the real logic; failures throw LlmosError with a code.
 */
export function ${n.camel}Syscalls() {
  return [
    defineSyscall({
      name: '${helloName(n)}',
      title: 'Say hello',
      description: 'Greets someone by name, on behalf of the calling client.',
      input: z.object({ name: z.string().min(1).max(100).describe('Who to greet.') }),
      output: z.object({ greeting: z.string(), owner: z.string() }),
      annotations: { readOnlyHint: true, idempotentHint: true },
      handler: ({ name }, ctx) => ({ greeting: \`Hello, \${name}!\`, owner: ctx.owner }),
    }),
  ];
}
`,
  index: (n) => `import { definePlugin } from 'llmos/plugin-api';
import { ${n.camel}Syscalls } from './syscalls.js';

export default definePlugin({
  name: '${n.name}',
  version: '0.1.0',
  apiVersion: '${API_RANGE}',
  description: 'Example syscalls.',
  provides: ['syscall'],
  register(scope) {
    for (const s of ${n.camel}Syscalls()) scope.syscall(s);
  },
});
`,
  test: (n) => `import { syscallContract } from 'llmos/plugin-api/testing';
import { ${n.camel}Syscalls } from './syscalls.js';

syscallContract('${n.name}', ${n.camel}Syscalls, { ${helloName(n)}: { name: 'Ada' } });
`,
};
