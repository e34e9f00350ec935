import { LlmosError } from '../core/errors.js';
import type { Kernel } from '../kernel/kernel.js';
import type { PolicyRegistry } from '../kernel/registry.js';

/** The active policies a config names; each omitted one defaults to the first registered (see PolicyRegistry.active). */
export interface ActivePolicies {
  scheduler?: string;
  allocator?: string;
}

/**
 * Activates the scheduler and allocator the config names, after every plugin
 * registered and before any starts. A name no loaded plugin provides fails
 * with LLMOS_EPLUGIN listing the available ones.
 */
export function activatePolicies(kernel: Kernel, want: ActivePolicies): void {
  if (want.scheduler) kernel.setScheduler(mustHave(kernel.schedulers, 'scheduler', want.scheduler));
  if (want.allocator) kernel.setAllocator(mustHave(kernel.allocators, 'allocator', want.allocator));
}

function mustHave(registry: PolicyRegistry<{ name: string }>, what: 'scheduler' | 'allocator', name: string): string {
  if (registry.has(name)) return name;
  const available = registry.names().join(', ') || 'none';
  throw new LlmosError(
    'LLMOS_EPLUGIN',
    `the config names ${what} "${name}", which no loaded plugin provides (available: ${available}); set "${what}" in llmos.plugins.json to one of these, or enable the plugin that provides "${name}".`,
    { [what]: name, available: registry.names() },
  );
}
