import { describe, expect, it } from 'vitest';
import { LlmosError } from '../../../src/plugin-api/index.js';
import { testKernel } from '../../helpers/kernel.js';
import { capturingLogger, plugin } from './helpers.js';

describe('plugin lifecycle as one closure', () => {
  it('register() returns start and stop that share its state; onClose hooks run after stop, in reverse', async () => {
    const log: string[] = [];
    const p = plugin('p', {
      register(scope) {
        const conn = { open: true, uses: 0 };
        scope.onClose(() => void log.push(`close 1 open=${conn.open}`));
        scope.onClose(() => void log.push('close 2'));
        return {
          start: () => void (conn.uses += 1),
          stop: () => {
            log.push(`stop uses=${conn.uses}`);
            conn.open = false;
          },
        };
      },
    });
    const { stop } = await testKernel({ inline: [p] });
    await stop();
    await stop(); // a second stop closes nothing twice
    expect(log).toEqual(['stop uses=1', 'close 2', 'close 1 open=false']);
  });

  it('the separate start/stop on the definition still work, after the returned ones', async () => {
    const log: string[] = [];
    const p = plugin('p', {
      register: () => ({ start: () => void log.push('closure start'), stop: () => void log.push('closure stop') }),
      start: () => void log.push('def start'),
      stop: () => void log.push('def stop'),
    });
    const { stop } = await testKernel({ inline: [p] });
    await stop();
    expect(log).toEqual(['closure start', 'def start', 'closure stop', 'def stop']);
  });
});

describe('a failed boot stops, in reverse order, everything that registered', () => {
  it('a register() that throws after others opened databases closes them all, naming the plugin', async () => {
    const closed: string[] = [];
    const db = plugin('db', {
      register(scope) {
        scope.onClose(() => void closed.push('db: file closed'));
        return { stop: () => void closed.push('db: stop') };
      },
    });
    const legacy = plugin('legacy', { register() {}, stop: () => void closed.push('legacy: stop') });
    const boom = plugin('boom', {
      register(scope) {
        scope.onClose(() => void closed.push('boom: half-open handle closed'));
        throw new Error('disk full');
      },
    });
    const never = plugin('never', { register: () => ({ stop: () => void closed.push('never: stop') }) });
    const err = await testKernel({ inline: [db, legacy, boom, never] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmosError);
    expect((err as LlmosError).code).toBe('LLMOS_EPLUGIN');
    expect((err as LlmosError).message).toMatch(/^plugin "boom": register\(\) failed: disk full\./);
    expect(closed).toEqual(['boom: half-open handle closed', 'legacy: stop', 'db: stop', 'db: file closed']);
  });

  it('a start() throwing a plain Error names the plugin and its message, and stops the registered plugins', async () => {
    const stopped: string[] = [];
    const ok = plugin('ok', { register: () => ({ stop: () => void stopped.push('ok') }) });
    const bad = plugin('bad', {
      register: () => ({
        start: () => {
          throw new Error('port 8080 is taken');
        },
        stop: () => void stopped.push('bad'),
      }),
    });
    const later = plugin('later', { register: () => ({ stop: () => void stopped.push('later') }) });
    const err = await testKernel({ inline: [ok, bad, later] }).catch((e: unknown) => e);
    expect((err as LlmosError).code).toBe('LLMOS_EPLUGIN');
    expect((err as LlmosError).message).toMatch(/^plugin "bad": start\(\) failed: port 8080 is taken\./);
    expect((err as Error).message).not.toContain('"?"');
    expect(stopped).toEqual(['later', 'bad', 'ok']);
  });

  it('a coded error from start() keeps its code and gains the plugin name', async () => {
    const bad = plugin('bad', { start: () => Promise.reject(new LlmosError('LLMOS_EUNAVAILABLE', 'the endpoint is down; start it.')) });
    const err = await testKernel({ inline: [bad] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'LLMOS_EUNAVAILABLE', message: 'plugin "bad": the endpoint is down; start it.' });
  });

  it('a stop that throws is logged, naming the plugin, and the others still stop', async () => {
    const { logger, records } = capturingLogger();
    const stopped: string[] = [];
    const a = plugin('a', { register: () => ({ stop: () => void stopped.push('a') }) });
    const b = plugin('b', {
      register: () => ({
        stop: () => {
          throw new Error('already closed');
        },
      }),
    });
    const { stop } = await testKernel({ inline: [a, b], logger });
    await stop();
    expect(stopped).toEqual(['a']);
    expect(records).toEqual([expect.objectContaining({ plugin: 'b', msg: 'plugin stop failed', err: expect.objectContaining({ message: 'already closed' }) })]);
  });
});
