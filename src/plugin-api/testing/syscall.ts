/**
 * The syscall-table contract (Syscall in the plugin API) as one vitest suite:
 *   syscallContract('my-tools', () => mySyscalls(), { my_tools_hello: { name: 'Ada' } });
 */
import { describe, expect, it } from 'vitest';
import { z, type Syscall, type SyscallContext } from '../index.js';

/** snake_case area_verb, at most 40 characters: the rule the kernel's syscall table enforces. */
const NAME = /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/;

/** A caller context for handlers under test. */
export function contractContext(owner = 'contract-tester'): SyscallContext {
  return { owner, signal: new AbortController().signal, progress() {} };
}

/**
 * Runs the contract against the syscalls from `make`. `examples` gives one
 * valid input per syscall name; each handler must answer it with output its
 * own output schema accepts.
 */
export function syscallContract(label: string, make: () => Syscall<any, any>[], examples: Record<string, Record<string, unknown>>): void {
  describe(`Syscall contract: ${label}`, () => {
    it('names, titles and describes every syscall as MCP tools need', () => {
      const all = make();
      expect(all.length).toBeGreaterThan(0);
      for (const s of all) {
        expect(s.name, 'syscall name').toMatch(NAME);
        expect(s.name.length).toBeLessThanOrEqual(40);
        expect(s.title.trim(), `${s.name}: title`).not.toBe('');
        expect(s.description.trim(), `${s.name}: description`).not.toBe('');
        expect(s.input, `${s.name}: input`).toBeInstanceOf(z.ZodObject);
        expect(s.output, `${s.name}: output`).toBeInstanceOf(z.ZodObject);
      }
      expect(new Set(all.map((s) => s.name)).size, 'names are unique').toBe(all.length);
    });

    it('answers each example with output its own schema accepts', async () => {
      for (const s of make()) {
        const example = examples[s.name];
        expect(example, `an example input for ${s.name}`).toBeDefined();
        const args = s.input.parse(example);
        const out = await s.handler(args, contractContext());
        const checked = s.output.safeParse(out);
        expect(checked.success, `${s.name}: output ${JSON.stringify(out)} fails its schema`).toBe(true);
      }
    });

    it('has input schemas that refuse unknown shapes of input', () => {
      for (const s of make()) expect(s.input.safeParse('not an object').success, s.name).toBe(false);
    });
  });
}
