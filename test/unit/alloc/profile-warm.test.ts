import { afterEach, describe, expect, it, vi } from 'vitest';
import profileBasic, { BasicProfiler } from '../../../plugins/profile-basic/index.js';
import type { PluginLifecycle } from '../../../src/plugin-api/index.js';

/** Registers profile-basic on a scope that only records its profiler; returns the lifecycle. */
async function registered() {
  const scope = { profiler: vi.fn() };
  const life = (await profileBasic.register(scope as never, profileBasic.options!.parse({}))) as PluginLifecycle;
  expect(scope.profiler).toHaveBeenCalledWith(expect.any(BasicProfiler));
  return life;
}

describe("profile-basic loads its detectors' tables after start, not inside the first spawn", () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('warms once, two seconds after start', async () => {
    vi.useFakeTimers();
    const warm = vi.spyOn(BasicProfiler.prototype, 'warm').mockImplementation(() => undefined);
    const life = await registered();
    await life.start!();
    vi.advanceTimersByTime(1999);
    expect(warm).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(warm).toHaveBeenCalledTimes(1);
    await life.stop!();
  });

  it('does not warm when stopped first', async () => {
    vi.useFakeTimers();
    const warm = vi.spyOn(BasicProfiler.prototype, 'warm').mockImplementation(() => undefined);
    const life = await registered();
    await life.start!();
    await life.stop!();
    vi.advanceTimersByTime(10_000);
    expect(warm).not.toHaveBeenCalled();
  });

  it('warm() leaves a profiler that still profiles (tables loaded, same answers)', () => {
    const p = new BasicProfiler();
    p.warm();
    expect(p.profile({ prompt: 'Bonjour, pouvez-vous traduire cette phrase en anglais ?' } as never).language).toBe('fr');
  });
});
