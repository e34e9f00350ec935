import { LlmosError } from '../core/errors.js';

/** Tool name of a syscall, with the optional LLMOS_TOOL_PREFIX. */
export function toolName(syscall: string, prefix = process.env.LLMOS_TOOL_PREFIX ?? ''): string {
  const name = `${prefix}${syscall}`;
  if (!/^[a-z][a-z0-9_]*$/.test(name) || name.length > 40)
    throw new LlmosError('LLMOS_EINVAL', `tool name "${name}" must be snake_case and at most 40 characters; shorten LLMOS_TOOL_PREFIX.`);
  return name;
}
