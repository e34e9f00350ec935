import { describe, expect, it } from 'vitest';
import { BasicProfiler, codeLanguage, targetLanguage } from '../../../plugins/profile-basic/index.js';
import { TaskSchema } from '../../../src/core/task.js';

describe('profile-basic: target language of translations', () => {
  it.each([
    ['Translate this sentence into French: good morning', 'fr'],
    ['Please translate the following paragraph to German.', 'de'],
    ['Translate from English to Spanish: the cat sleeps', 'es'],
    ['Can you translate "thank you" in Japanese?', 'ja'],
    ['Rewrite this into Portuguese', 'pt'],
    ['Traduis ce texte en français, s\'il te plaît', 'fr'],
    ['Bitte übersetze das auf Deutsch', 'de'],
  ])('%s → %s', (text, code) => expect(targetLanguage(text)).toBe(code));

  it.each([
    'Welcome to Germany, the trip starts in Berlin.',
    'I went to French class yesterday and talked to Spanish friends.',
    'What is the capital of Italy?',
  ])('asks for no language: %s', (text) => expect(targetLanguage(text)).toBeUndefined());
});

describe('profile-basic: code language', () => {
  it.each([
    ['Fix this:\n```py\nprint(1\n```', 'python'],
    ['```typescript\nconst x = 1\n```', 'typescript'],
    ['Write a Rust function that reverses a string', 'rust'],
    ['How do I read a file in Python?', 'python'],
    ['Implement quicksort in Go', 'go'],
    ['Write a C++ class for a ring buffer', 'cpp'],
    ['Give me a C# method that parses dates', 'csharp'],
    ['A SQL query listing all users', 'sql'],
  ])('%s → %s', (text, code) => expect(codeLanguage(text)).toBe(code));

  it.each(['Let us go to the park', 'Summarize this article about snakes', 'Grade C students need help', 'in r/programming people argue'])('names none: %s', (text) => expect(codeLanguage(text)).toBeUndefined());
});

describe('profile-basic: the profile carries them, and reads the transcript, not tool schemas', () => {
  const profiler = new BasicProfiler();
  it('fills target_language and code_language', () => {
    const p = profiler.profile(TaskSchema.parse({ prompt: 'Translate this Python docstring into German: ```python\n"""Adds two numbers."""\n```' }));
    expect(p).toMatchObject({ type: 'translation', target_language: 'de', code_language: 'python' });
  });
  it('leaves them out when the text asks for neither', () => {
    const p = profiler.profile(TaskSchema.parse({ prompt: 'What is the capital of France?' }));
    expect(p.target_language).toBeUndefined();
    expect(p.code_language).toBeUndefined();
  });
  it('counts tool schemas in size but not in detection', () => {
    const tools = [{ name: 'run', description: 'Runs a Python function', input_schema: { type: 'object', properties: { code: { type: 'string' } } } }];
    const bare = profiler.profile(TaskSchema.parse({ prompt: 'What time is it?' }));
    const withTools = profiler.profile(TaskSchema.parse({ prompt: 'What time is it?', tools }));
    expect(withTools.code_language).toBeUndefined();
    expect(withTools.size).toBeGreaterThan(bare.size);
  });
});
