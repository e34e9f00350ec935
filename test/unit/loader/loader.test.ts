import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPluginConfig, interpolate } from '../../../src/loader/config.js';
import { z, type PluginDefinition } from '../../../src/plugin-api/index.js';
import { tempDir, testKernel } from '../../helpers/kernel.js';
import { plugin } from './helpers.js';

const boots = (inline: PluginDefinition[], startTimeoutMs?: number) => testKernel({ inline, startTimeoutMs });

describe('plugin loader fails fast with one line naming the plugin', () => {
  it('a missing dependency', async () => {
    await expect(boots([plugin('a', { dependsOn: ['b'] })])).rejects.toThrow(/^plugin "a": dependsOn "b", which is not loaded/);
  });
  it('a dependency cycle', async () => {
    await expect(boots([plugin('a', { dependsOn: ['b'] }), plugin('b', { dependsOn: ['a'] })])).rejects.toThrow(/cycle: a -> b -> a/);
  });
  it('a duplicate name', async () => {
    await expect(boots([plugin('a'), plugin('a')])).rejects.toThrow(/plugin "a": is listed twice/);
  });
  it('invalid options', async () => {
    await expect(boots([plugin('a', { options: z.object({ port: z.number() }) })])).rejects.toThrow(/plugin "a": invalid options: options.port/);
  });
  it('a start past its timeout, and stops what already started', async () => {
    const stopped: string[] = [];
    const ok = plugin('ok', { start() {}, stop: () => void stopped.push('ok') });
    const slow = plugin('slow', { start: () => new Promise(() => undefined) });
    await expect(boots([ok, slow], 50)).rejects.toThrow(/plugin "slow": start\(\) ran past its timeout of 50 ms/);
    expect(stopped).toEqual(['ok']);
  });
  it('a contribution the plugin did not declare', async () => {
    await expect(boots([plugin('a', { register: (s) => s.scheduler('x', () => ({}) as never) })])).rejects.toThrow(/plugin "a": adds a scheduler but does not declare "scheduler"/);
  });
});

describe('plugin lifecycle', () => {
  it('starts in dependency order and stops in reverse order', async () => {
    const log: string[] = [];
    const mk = (name: string, dependsOn: string[] = []) =>
      plugin(name, { dependsOn, start: () => void log.push(`start ${name}`), stop: () => void log.push(`stop ${name}`) });
    const { stop } = await boots([mk('c', ['b']), mk('a'), mk('b', ['a'])]);
    expect(log).toEqual(['start a', 'start b', 'start c']);
    await stop();
    expect(log.slice(3)).toEqual(['stop c', 'stop b', 'stop a']);
  });
});

describe('plugin config file', () => {
  it('interpolates ${ENV} and names a missing variable', () => {
    expect(interpolate({ a: ['${HOME_X}/x'] }, { HOME_X: '/h' })).toEqual({ a: ['/h/x'] });
    expect(() => interpolate({ key: '${NOPE_NOT_SET}' }, {}, 'plugin "p" options')).toThrow(/plugin "p" options.key: environment variable NOPE_NOT_SET is not set/);
  });
  it('rejects a bad entry, naming the plugin and the field', () => {
    const f = join(tempDir(), 'cfg.json');
    writeFileSync(f, JSON.stringify({ plugins: [{ name: 'ok', module: './x' }, { name: 'broken', module: 42 }] }));
    expect(() => readPluginConfig(f)).toThrow(/plugin "broken": plugins.1.module/);
    writeFileSync(f, '{ not json');
    expect(() => readPluginConfig(f)).toThrow(/cannot read plugin config/);
  });
  it('loads a plugin module by path relative to the config', async () => {
    const dir = tempDir();
    const f = join(dir, 'cfg.json');
    writeFileSync(f, JSON.stringify({ plugins: [{ name: 'sched-fcfs', module: relative(dir, join(process.cwd(), 'plugins/sched-fcfs')) }] }));
    const { kernel, stop } = await testKernel({ config: f, inline: [] });
    expect(kernel.schedulers.names()).toEqual(['fcfs']);
    await stop();
  });
});
