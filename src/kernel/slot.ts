import { LlmosError } from '../core/errors.js';

/** An extension point that at most one plugin fills per kernel (ready queue, journal, pid source). */
export class Slot<T> {
  private filled?: { plugin: string; value: T };

  constructor(private readonly what: string) {}

  /** Fills the slot with make()'s value; a second provider fails with LLMOS_EEXIST naming both plugins, and make is not called. */
  provide(plugin: string, make: () => T): void {
    if (this.filled)
      throw new LlmosError('LLMOS_EEXIST', `plugin "${plugin}" provides a ${this.what}, but plugin "${this.filled.plugin}" already does; a kernel has one ${this.what}: enable only one of them.`, { plugin, provided_by: this.filled.plugin });
    this.filled = { plugin, value: make() };
  }

  get(): T | undefined {
    return this.filled?.value;
  }

  /** The plugin that filled the slot. */
  provider(): string | undefined {
    return this.filled?.plugin;
  }
}
