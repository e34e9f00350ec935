import { definePlugin } from '../../src/plugin-api/index.js';
import { RulesAllocator, RulesOptions, validateRules } from './rules.js';

export { RulesAllocator, validateRules } from './rules.js';

/**
 * Ordered rules from config. Rules are checked against the model table in
 * start(), after every plugin registered its models: a rule naming an unknown
 * model fails the load with the rule's index.
 */
export default definePlugin({
  name: 'alloc-rules',
  version: '1.0.0',
  apiVersion: '^1.0.0',
  description: 'Ordered rules (type, language, domain, regex, metadata → model or group); the first match wins, then the default.',
  provides: ['allocator'],
  options: RulesOptions,
  register(scope, opts) {
    scope.allocator('rules', () => new RulesAllocator(opts));
    return { start: () => validateRules(opts, new Set(scope.kernel.models().map((e) => e.info.id))) };
  },
});
