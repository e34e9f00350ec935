import { fileURLToPath } from 'node:url';
import type { PolicySource } from '../../src/sim/policies.js';

/** A plugin config with the five scheduler plugins at their own defaults, so tests do not depend on llmos.plugins.json's tuning or on LLMOS_CONFIG. */
export const SCHEDULERS_CONFIG = fileURLToPath(new URL('../fixtures/schedulers.plugins.json', import.meta.url));

/** The scheduler plugins of SCHEDULERS_CONFIG, with `pluginOptions` laid over their defaults. */
export const defaultPolicies = (pluginOptions?: PolicySource['pluginOptions']): PolicySource => ({ config: SCHEDULERS_CONFIG, pluginOptions });
