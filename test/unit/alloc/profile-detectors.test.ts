import { describe, expect, it } from 'vitest';
import { BasicProfiler, detectCodeLanguage, detectIntent, detectTargetLanguage } from '../../../plugins/profile-basic/index.js';
import { applyProfile } from '../../../src/core/profiler.js';
import { TaskSchema } from '../../../src/core/task.js';

describe('detectTargetLanguage: phrasings, native cues, confidences', () => {
  it.each([
    ['Hello, how are you? In French please', 'fr'],
    ['Give me the Italian version of this menu', 'it'],
    ['How do you say "good night" in Korean?', 'ko'],
    ['Tot later! Say this using Swedish.', 'sv'],
    ['Übersetze ins Englische: Guten Morgen', 'en'],
    ['Traduce al inglés: buenos días', 'en'],
    ['Переведи на английский: привет', 'en'],
    ['请把这句话翻译成英文：你好', 'en'],
    ['この文を英語に翻訳してください', 'en'],
    ['이 문장을 영어로 번역해 주세요', 'en'],
    ['Przetłumacz na angielski: dzień dobry', 'en'],
    ['Bunu İngilizceye çevir: merhaba', 'en'],
    ['Vertaal naar het Engels: goedemorgen', 'en'],
  ])('%s → %s', (text, code) => expect(detectTargetLanguage(text)?.value).toBe(code));

  it('is surest of "from X to Y" and least of a bare verb with a name', () => {
    const plain = detectTargetLanguage('Translate from English to German: hello')!;
    const loose = detectTargetLanguage('Translate, German speakers need it: hello')!;
    expect(plain).toEqual({ value: 'de', confidence: 0.97 });
    expect(loose.value).toBe('de');
    expect(loose.confidence).toBeLessThan(plain.confidence);
  });

  it.each(['We swim in pools in summer.', 'He was born in French Guiana.', 'Translate this paragraph from French.', 'Summarize this English text about dogs'])('asks for none: %s', (t) =>
    expect(detectTargetLanguage(t)).toBeUndefined(),
  );
});

describe('detectCodeLanguage: code without info strings, names, precedence', () => {
  it.each([
    ['```\ndef fib(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n```', 'python'],
    ['#include <iostream>\nint main() {\n  std::vector<int> v{1,2};\n  std::cout << v[0] << std::endl;\n}', 'cpp'],
    ['package main\n\nimport "fmt"\n\nfunc main() {\n\tx := 5\n\tfmt.Println(x)\n}', 'go'],
    ['module Main where\nmain :: IO ()\nmain = do\n  print (map (*2) [1..10])', 'haskell'],
    ['x <- c(1, 2, 3)\nlibrary(ggplot2)\nprint(summary(x))', 'r'],
    ['#!/bin/bash\nfor f in *.txt; do\n  echo "$f"\ndone', 'bash'],
  ])('content of %#', (text, id) => expect(detectCodeLanguage(text)?.value).toBe(id));

  it('an info string is surest; a named target beats the code it converts', () => {
    expect(detectCodeLanguage('```rust\nfn main() {}\n```')).toEqual({ value: 'rust', confidence: 0.99 });
    expect(detectCodeLanguage('Port this to Rust:\n```\ndef f(x):\n    return x\n```')?.value).toBe('rust');
  });

  it('agreement of the name and the code raises the confidence', () => {
    const named = detectCodeLanguage('Why does this Python code fail?')!;
    // A method (self) the model reads as Python on its own: a bare `def f(x):` fragment of two lines reads as Scala since its third round (README, issue #22).
    const both = detectCodeLanguage('Why does this Python code fail?\n```\ndef f(self, x):\n    return self.x +\n```')!;
    expect(both.value).toBe('python');
    expect(both.confidence).toBeGreaterThan(named.confidence);
  });

  it.each(['Write a function to sort the given array by using shell sort.', 'Iron left in the rain will rust.', 'I love you (really)', 'A swift reply, please'])('names none: %s', (t) =>
    expect(detectCodeLanguage(t)).toBeUndefined(),
  );
});

describe('detectIntent: chit-chat or professional, with a domain', () => {
  it.each(['Hello', 'How are you doing today?', 'What is your favorite color?', 'I am feeling a bit sad today', 'Tell me a joke', 'Are you a robot?'])('chit-chat: %s', (t) =>
    expect(detectIntent(t).value).toBe('chit-chat'),
  );
  it.each([
    ['My printer is not printing.', 'support'],
    ['I was charged twice for my subscription, I need a refund.', 'support'],
    ['Write a function to reverse a string.', 'programming'],
    ['Which gas do plants absorb during photosynthesis?', 'science'],
  ])('professional: %s (%s)', (t, domain) => expect(detectIntent(t)).toMatchObject({ value: 'professional', domain }));
  it('states a confidence in [0.5, 1]', () => {
    for (const t of ['Hi', 'Explain the difference between a stock and a bond.']) expect(detectIntent(t).confidence).toBeGreaterThanOrEqual(0.5);
  });
});

describe('the profile carries the fields with confidences; applyProfile trusts what the caller states', () => {
  const profiler = new BasicProfiler();
  it('fills intent and confidences', () => {
    const task = TaskSchema.parse({ prompt: 'Translate into French: I would like a refund for my order.' });
    const p = profiler.profile(task);
    expect(p).toMatchObject({ type: 'translation', target_language: 'fr', intent: 'professional' });
    expect(p.confidence?.target_language).toBeGreaterThan(0.8);
  });
  it('caller-stated fields count 1, detected ones keep the profiler\'s confidence', () => {
    const task = TaskSchema.parse({ prompt: 'Translate into French: good morning', code_language: 'python' });
    const filled = applyProfile(task, profiler.profile(task));
    expect(filled.confidence?.code_language).toBe(1);
    expect(filled.confidence?.target_language).toBeGreaterThan(0.8);
    expect(filled.confidence?.target_language).toBeLessThan(1);
    expect(filled.target_language).toBe('fr');
  });
});
