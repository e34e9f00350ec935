import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { boot } from '../../../src/boot.js';
import { TaskSchema } from '../../../src/core/task.js';
import profileBasic, { BasicProfiler } from '../../../plugins/profile-basic/index.js';
import { READ_CHARS, readable } from '../../../plugins/profile-basic/profiler.js';
import { echoPlugin } from '../../fixtures/echo-backend.js';
import schedFcfs from '../../../plugins/sched-fcfs/index.js';

const p = new BasicProfiler();
const prof = (prompt: string) => p.profile(TaskSchema.parse({ prompt }));

describe('BasicProfiler', () => {
  it('types tasks by ordered rules', () => {
    expect(prof('Write a python function to reverse a list.').type).toBe('code');
    expect(prof('Translate "good morning" into French.').type).toBe('translation');
    expect(prof('Summarize this article in three sentences: the council met on Monday.').type).toBe('summarization');
    expect(prof('Extract all the names from the text below.').type).toBe('extraction');
    expect(prof('Classify the sentiment of this review: great phone.').type).toBe('classification');
    expect(prof('Which gas do plants absorb?\nA) oxygen\nB) carbon dioxide\nC) helium').type).toBe('qa');
    expect(prof('Solve 3x + 5 = 20 for x.').type).toBe('math');
    expect(prof('Who wrote Hamlet?').type).toBe('qa');
    expect(prof('hello there, nice to meet you').type).toBe('chat');
  });

  it('reads the start and the end of a long transcript, and counts all of it for size', () => {
    const filler = 'The council met on Monday and heard a long report on the city budget and its roads. '.repeat(1600); // ~136 KB
    const long = TaskSchema.parse({ messages: [{ role: 'system', content: filler }, { role: 'user', content: 'Write a Python function that totals the budget lines in the report above.' }] });
    expect(p.profile(long)).toMatchObject({ type: 'code', code_language: 'python', language: 'en' }); // the request at the end is read
    expect(p.profile(long).size).toBeGreaterThan(30_000); // the prompt's whole size, not what the detectors read
    const short = 'Write a python function that reverses a list.';
    expect(readable(short)).toBe(short);
    const read = readable(filler);
    expect(read.length).toBeLessThanOrEqual(READ_CHARS + 2);
    expect(read.startsWith(filler.slice(0, READ_CHARS / 2)) && read.endsWith(filler.slice(-READ_CHARS / 2))).toBe(true);
  });

  it('detects the language with eld', () => {
    expect(prof('Hola, ¿cómo estás? Me gustaría reservar una mesa para dos personas esta noche.').language).toBe('es');
    expect(prof('Bonjour, je voudrais réserver une table pour deux personnes ce soir.').language).toBe('fr');
    expect(prof('Guten Morgen, ich möchte heute Abend einen Tisch für zwei Personen reservieren.').language).toBe('de');
    expect(prof('Good morning, I would like to book a table for two people tonight.').language).toBe('en');
  });

  it('tags domains and estimates size', () => {
    const r = prof('The patient shows symptoms of infection; what treatment and drug dose do you suggest?');
    expect(r.domain[0]).toBe('medicine');
    expect(r.size).toBe(Math.ceil('The patient shows symptoms of infection; what treatment and drug dose do you suggest?'.length / 4));
    expect(prof('hi').domain).toEqual([]);
  });
});

describe('profile-basic in the kernel', () => {
  it('profiles at spawn, and explicit fields win', async () => {
    const { kernel, stop } = await boot({ inline: [schedFcfs, echoPlugin(), profileBasic], dataDir: mkdtempSync(join(tmpdir(), 'prof-')) });
    try {
      const a = kernel.spawn(TaskSchema.parse({ prompt: 'Écris une fonction python qui trie une liste, s’il te plaît, avec des commentaires en français.' }), 't');
      expect(a.task.type).toBe('code');
      expect(a.task.language).toBe('fr');
      const b = kernel.spawn(TaskSchema.parse({ prompt: 'Write a python function.', type: 'chat', language: 'de', domain: ['law'] }), 't');
      expect([b.task.type, b.task.language, b.task.domain]).toEqual(['chat', 'de', ['law']]);
      await kernel.procs.wait(b.pid, 5000);
    } finally {
      await stop();
    }
  });
});
