import { LlmosError } from '../core/errors.js';

/** Named factories of one extension point, with exactly one active instance. */
export class PolicyRegistry<T extends { name: string }> {
  private readonly factories = new Map<string, { plugin: string; make: () => T }>();
  private current?: T;
  private currentName?: string;

  constructor(private readonly what: string) {}

  provide(name: string, plugin: string, make: () => T): void {
    if (this.factories.has(name)) throw new LlmosError('LLMOS_EEXIST', `${this.what} "${name}" is provided twice (by ${this.factories.get(name)!.plugin} and ${plugin})`);
    this.factories.set(name, { plugin, make });
  }

  names(): string[] {
    return [...this.factories.keys()];
  }

  has(name: string): boolean {
    return this.factories.has(name);
  }

  /** The factory of `name`, for policies built from others (sched-fair's inner queues). */
  factory(name: string): (() => T) | undefined {
    return this.factories.get(name)?.make;
  }

  /** Makes `name` the active one and returns the one it replaces. */
  activate(name: string): { next: T; previous?: T } {
    const f = this.factories.get(name);
    if (!f) throw new LlmosError('LLMOS_EINVAL', `no ${this.what} named "${name}"; available: ${this.names().join(', ') || 'none (load a plugin that provides one)'}.`);
    const previous = this.current;
    this.current = f.make();
    this.currentName = name;
    return { next: this.current, previous };
  }

  /** The active one; when none was activated, the first registered becomes active (the default when the config names none). */
  active(): T {
    if (!this.current) {
      const first = this.names()[0];
      if (!first) throw new LlmosError('LLMOS_EPLUGIN', `no ${this.what} is loaded; enable a plugin that provides one in llmos.plugins.json.`);
      this.activate(first);
    }
    return this.current!;
  }

  /** The name of the active one, or of the one active() would make active (the first registered); undefined when none is registered. */
  activeName(): string | undefined {
    return this.currentName ?? this.names()[0];
  }

  isActive(): boolean {
    return this.current !== undefined;
  }
}
