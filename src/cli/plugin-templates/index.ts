import { allocatorTemplate } from './allocator.js';
import type { KindTemplate } from './common.js';
import { knowledgeTemplate } from './knowledge.js';
import { modelTemplate } from './model.js';
import { schedulerTemplate } from './scheduler.js';
import { syscallTemplate } from './syscall.js';

export { renderPlugin, API_RANGE, type KindTemplate } from './common.js';
export { pluginNames, type PluginNames, type TemplateFiles } from './names.js';

/** The kinds `llmos plugin new` scaffolds, one per extension point. */
export const PLUGIN_KINDS: Record<string, KindTemplate> = {
  scheduler: schedulerTemplate,
  allocator: allocatorTemplate,
  model: modelTemplate,
  knowledge: knowledgeTemplate,
  syscall: syscallTemplate,
};
