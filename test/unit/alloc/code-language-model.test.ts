import { describe, expect, it } from 'vitest';
import { detectCodeLanguage } from '../../../plugins/profile-basic/index.js';
import { codeFeatures } from '../../../plugins/profile-basic/code-features.js';
import { markerFeatures } from '../../../plugins/profile-basic/code-markers.js';
import { codeModel, loadModel, posterior, scoreModel, type StoredModel } from '../../../plugins/profile-basic/code-model.js';
import { fnv1a } from '../../../src/plugin-api/index.js';

/**
 * The code-language model (plugins/profile-basic/code-model.json, trained by
 * plugins/profile-basic/training/train.mjs on registry packages) on small
 * snippets written for this test, bare: no fence, no language named.
 */
const SNIPPETS: ReadonlyArray<readonly [string, string]> = [
  ['python', 'import os\n\ndef list_logs(root):\n    """Paths of the .log files under root."""\n    out = []\n    for name in os.listdir(root):\n        if name.endswith(".log"):\n            out.append(os.path.join(root, name))\n    return out\n'],
  ['javascript', "const fs = require('fs');\n\nfunction readConfig(path) {\n  const text = fs.readFileSync(path, 'utf8');\n  return JSON.parse(text);\n}\n\nmodule.exports = { readConfig };\n"],
  ['typescript', 'export interface Order {\n  id: string;\n  total: number;\n  items: ReadonlyArray<string>;\n}\n\nexport function totalOf(orders: Order[]): number {\n  return orders.reduce((sum: number, o: Order) => sum + o.total, 0);\n}\n'],
  ['java', 'package com.example.shop;\n\nimport java.util.ArrayList;\nimport java.util.List;\n\npublic class Cart {\n    private final List<String> items = new ArrayList<>();\n\n    public void add(String item) {\n        items.add(item);\n    }\n}\n'],
  ['c', '#include <stdio.h>\n#include <stdlib.h>\n\nint main(int argc, char **argv) {\n    char *buf = malloc(64);\n    if (buf == NULL) return 1;\n    snprintf(buf, 64, "%d args", argc);\n    printf("%s\\n", buf);\n    free(buf);\n    return 0;\n}\n'],
  ['cpp', '#include <vector>\n#include <string>\n\nnamespace shop {\ntemplate <typename T>\nclass Basket {\npublic:\n    void add(const T& item) { items_.push_back(item); }\n    std::size_t size() const { return items_.size(); }\nprivate:\n    std::vector<T> items_;\n};\n}  // namespace shop\n'],
  ['csharp', 'using System;\nusing System.Collections.Generic;\n\nnamespace Shop\n{\n    public class Cart\n    {\n        private readonly List<string> _items = new List<string>();\n\n        public int Count => _items.Count;\n\n        public void Add(string item) { _items.Add(item); }\n    }\n}\n'],
  ['go', 'package cart\n\nimport (\n\t"errors"\n\t"fmt"\n)\n\nfunc Add(items []string, item string) ([]string, error) {\n\tif item == "" {\n\t\treturn nil, errors.New("empty item")\n\t}\n\tfmt.Println("adding", item)\n\treturn append(items, item), nil\n}\n'],
  ['rust', 'use std::collections::HashMap;\n\npub fn count_words(text: &str) -> HashMap<&str, usize> {\n    let mut counts = HashMap::new();\n    for word in text.split_whitespace() {\n        *counts.entry(word).or_insert(0) += 1;\n    }\n    counts\n}\n'],
  ['ruby', "require 'json'\n\nclass Cart\n  attr_reader :items\n\n  def initialize\n    @items = []\n  end\n\n  def add(item)\n    @items << item unless item.nil?\n    self\n  end\nend\n"],
  ['php', "<?php\n\nnamespace App\\Shop;\n\nclass Cart\n{\n    private array $items = [];\n\n    public function add(string $item): void\n    {\n        $this->items[] = $item;\n    }\n}\n"],
  ['swift', 'import Foundation\n\nstruct Cart {\n    private(set) var items: [String] = []\n\n    mutating func add(_ item: String) {\n        guard !item.isEmpty else { return }\n        items.append(item)\n    }\n}\n'],
  ['kotlin', 'package shop\n\ndata class Item(val name: String, val price: Double)\n\nclass Cart {\n    private val items = mutableListOf<Item>()\n\n    fun add(item: Item) {\n        items += item\n    }\n\n    fun total(): Double = items.sumOf { it.price }\n}\n'],
  ['scala', 'package shop\n\nfinal case class Item(name: String, price: BigDecimal)\n\nobject Cart {\n  def total(items: Seq[Item]): BigDecimal =\n    items.map(_.price).foldLeft(BigDecimal(0))(_ + _)\n\n  def names(items: Seq[Item]): List[String] = items.map(_.name).toList\n}\n'],
  ['haskell', 'module Cart (total, Item(..)) where\n\nimport qualified Data.Map as Map\n\ndata Item = Item { name :: String, price :: Double }\n\ntotal :: [Item] -> Double\ntotal = sum . map price\n'],
  ['sql', 'CREATE TABLE orders (\n    id SERIAL PRIMARY KEY,\n    customer_id INTEGER NOT NULL REFERENCES customers(id),\n    total NUMERIC(10, 2) DEFAULT 0\n);\n\nSELECT c.name, SUM(o.total) AS spent\nFROM customers c\nJOIN orders o ON o.customer_id = c.id\nGROUP BY c.name\nORDER BY spent DESC;\n'],
  ['bash', '#!/bin/bash\nset -euo pipefail\n\nfor f in "$@"; do\n  if [ -f "$f" ]; then\n    echo "compressing $f"\n    gzip -9 "$f"\n  fi\ndone\n'],
  ['r', 'library(stats)\n\nsummarise_scores <- function(df) {\n  means <- tapply(df$score, df$group, mean, na.rm = TRUE)\n  data.frame(group = names(means), mean = as.numeric(means))\n}\n\nresult <- summarise_scores(read.csv("scores.csv"))\n'],
  ['perl', 'use strict;\nuse warnings;\n\nmy %count;\nwhile (my $line = <STDIN>) {\n    chomp $line;\n    $count{$_}++ for split /\\s+/, $line;\n}\nprint "$_: $count{$_}\\n" for sort keys %count;\n'],
  ['lua', 'local Cart = {}\nCart.__index = Cart\n\nfunction Cart.new()\n  return setmetatable({ items = {} }, Cart)\nend\n\nfunction Cart:add(item)\n  table.insert(self.items, item)\n  return #self.items\nend\n\nreturn Cart\n'],
  ['html', '<!DOCTYPE html>\n<html lang="en">\n<head>\n  <meta charset="utf-8">\n  <title>Cart</title>\n  <link rel="stylesheet" href="cart.css">\n</head>\n<body>\n  <ul id="items">\n    <li class="item">Apples</li>\n  </ul>\n</body>\n</html>\n'],
  ['css', '.cart {\n  display: flex;\n  padding: 0 1rem;\n  border: 1px solid #ccc;\n}\n\n.cart .item:hover {\n  background-color: rgba(0, 0, 0, 0.05);\n  font-weight: bold;\n}\n'],
];

describe('code-language model: bare snippets', () => {
  /** Plain C is C++ too: on a short snippet without C++ features the model may lean to cpp (README, C↔C++ confusion). */
  const ACCEPTED: Readonly<Record<string, readonly string[]>> = { c: ['c', 'cpp'] };
  it.each(SNIPPETS)('%s', (lang, code) => {
    const d = detectCodeLanguage(code);
    expect(ACCEPTED[lang] ?? [lang]).toContain(d?.value);
    expect(d!.confidence).toBeGreaterThanOrEqual(0.5);
    expect(d!.confidence).toBeLessThanOrEqual(1);
  });

  it.each([
    'I love you (really)',
    'Could you tell me what the weather is like in Paris (France) today?',
    'Thanks a lot for your help yesterday; the meeting went well.',
  ])('names no language for prose: %s', (text) => expect(detectCodeLanguage(text)).toBeUndefined());

  it('reads unfenced code the line patterns miss when it spans 4+ lines with a code character', () => {
    const script = 'for f in *.log\ndo\ngzip -9 "$f"\necho "compressed $f"\ndone\n';
    expect(detectCodeLanguage(script)?.value).toBe('bash');
  });

  it.each([
    'Translate from English to German:\n\nThe meeting moved to Friday.\n\nGerman:',
    'Dear team,\nthe release is out.\nThe notes list every change.\nThanks to all who tested it.\nSee you on Monday.\nAnna',
  ])('reads no code in prose of few lines or without a code character: %j', (text) => expect(detectCodeLanguage(text)).toBeUndefined());

  it('is less sure of a fragment than of the same language at length', () => {
    const fragment = detectCodeLanguage('x = compute(a, b)\nprint(x)')!;
    const full = detectCodeLanguage(SNIPPETS[0][1])!;
    expect(full.value).toBe('python');
    expect(fragment === undefined || fragment.confidence < full.confidence).toBe(true);
  });

  it('does not read a language name inside bare code as the request naming it', () => {
    const code = "function wrap(el) {\n  const root = document.querySelector('html');\n  // fall back to the python-style default\n  return root ? root.appendChild(el) : null;\n}\n";
    // JavaScript without annotations is TypeScript too: either answer is the code's, never the 'html' of its string.
    expect(['javascript', 'typescript']).toContain(detectCodeLanguage(code)?.value);
  });
});

describe('code features and the logistic-regression arithmetic', () => {
  it('keeps case, pairs and triples, line ends, and only the opening of a comment line', () => {
    const f = codeFeatures('fn main() {\n// a helper sentence about Python\n}');
    for (const x of ['fn', '^fn', 'fn main', 'fn main (', '{$', '^/', '/ /', '^}']) expect(f.has(x), x).toBe(true);
    expect(f.has('Python')).toBe(false);
    expect(f.has('helper')).toBe(false);
  });

  it('reads the lines of a block comment as comment lines, and a licence notice only by its comment markers', () => {
    const f = codeFeatures('/*\n Permission is hereby granted, free of charge\n to any person obtaining a copy\n*/\n/* Parse the header quickly */\nint parse(void);');
    for (const x of ['Permission', 'person', 'obtaining', 'copy', 'Parse']) expect(f.has(x), x).toBe(false);
    for (const x of ['^/', 'int parse (']) expect(f.has(x), x).toBe(true);
    const doc = codeFeatures('/**\n Returns the parsed header of the stream\n*/\nint parse(void);');
    expect(doc.has('Returns')).toBe(true); // a doc comment that names no licence keeps its first words
    expect(doc.has('stream')).toBe(false);
  });

  it.each([
    ['ts', 'const options: Record<string, Options> = {};', 'const options = {};'],
    ['ts', 'function total(orders: Order[]): number {', 'function total(orders) {'],
    ['cpp', 'std::vector<int> v;', 'int v[4];'],
    ['c', 'char *p = malloc(8);', 'auto p = std::make_unique<char[]>(8);'],
    ['java', 'package com.example;\nimport java.util.List;', 'import os'],
  ])('marks %s syntax present or absent (%j / %j)', (name, present, absent) => {
    const yes = new Set<string>(), no = new Set<string>();
    markerFeatures(present, yes, true);
    markerFeatures(absent, no, true);
    expect(yes.has(`§${name}`)).toBe(true);
    expect(no.has(`§!${name}`)).toBe(true);
    const short = new Set<string>();
    markerFeatures(absent, short, false);
    expect(short.has(`§!${name}`)).toBe(false); // on too few lines absence says nothing
  });

  it('scores a hand-made two-class model as bias + Σ w[hash(f)] / √n, softmax over logits / temperature', () => {
    const bits = 4;
    const q = new Int8Array((1 << bits) * 2);
    const at = (f: string) => (fnv1a(f) & ((1 << bits) - 1)) * 2;
    q[at('x')] = 100; // x speaks for class a
    q[at('y') + 1] = 50; // y for class b
    const stored: StoredModel = { format: 'llmos-code-lr-1', classes: ['a', 'b'], bits, scale: 0.02, bias: [0.1, -0.1], weights: Buffer.from(q.buffer).toString('base64'), temperature: 2 };
    const m = loadModel(stored);
    const s = scoreModel(m, ['x', 'y']);
    const wa = q[at('x')] + q[at('y')], wb = q[at('x') + 1] + q[at('y') + 1];
    expect(s.known).toBe(2);
    expect(s.logits[0]).toBeCloseTo(0.1 + (0.02 * wa) / Math.SQRT2, 5);
    expect(s.logits[1]).toBeCloseTo(-0.1 + (0.02 * wb) / Math.SQRT2, 5);
    expect(s.best).toBe(0);
    expect(posterior(m, s)).toBeCloseTo(1 / (1 + Math.exp((s.logits[1] - s.logits[0]) / 2)), 6);
  });

  it('refuses a model file of another format with a coded error naming the rebuild', () => {
    const old = { format: 'llmos-code-nb-1', classes: ['a'] } as unknown as StoredModel;
    expect(() => loadModel(old)).toThrow(expect.objectContaining({ code: 'LLMOS_EPLUGIN', message: expect.stringMatching(/train\.mjs/) }));
  });

  it('the committed model knows the 22 languages and prose, in 2^16 hashed buckets', () => {
    const m = codeModel();
    expect([...m.classes].sort()).toEqual(['bash', 'c', 'cpp', 'csharp', 'css', 'go', 'haskell', 'html', 'java', 'javascript', 'kotlin', 'lua', 'perl', 'php', 'prose', 'python', 'r', 'ruby', 'rust', 'scala', 'sql', 'swift', 'typescript']);
    expect(m.mask + 1).toBe(1 << 16);
    expect(m.weights.length).toBe((m.mask + 1) * m.classes.length);
    expect(m.weights.some((w) => w !== 0)).toBe(true);
  });
});
