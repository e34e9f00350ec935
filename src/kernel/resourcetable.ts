import { LlmosError } from '../core/errors.js';
import type { ResourceEntry } from '../core/resource.js';

export type { Reader, ResourceEntry } from '../core/resource.js';

export class ResourceTable {
  private readonly entries = new Map<string, ResourceEntry>();

  add(r: ResourceEntry): void {
    const key = r.uri ?? r.template;
    if (!key) throw new LlmosError('LLMOS_EPLUGIN', `resource "${r.name}" needs a uri or a template`);
    if (this.entries.has(key)) throw new LlmosError('LLMOS_EEXIST', `resource ${key} is already registered`);
    this.entries.set(key, r);
  }

  list(): ResourceEntry[] {
    return [...this.entries.values()];
  }
}
