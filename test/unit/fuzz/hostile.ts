import fc from 'fast-check';

/** Numbers at the edges: JSON has no NaN or Infinity, so these are what a hostile client can send. */
export const edgeNumber = fc.constantFrom(
  0, -0, -1, 1, 0.5, -0.5, 5e-324, 2 ** 31, 2 ** 32, 1e12, -1e12,
  Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, -(Number.MAX_SAFE_INTEGER + 1), 1e21, 1e308, -1e308, Number.MAX_VALUE,
);

/** Strings a parser, a regex, a template, a path or a key store may trip on; lone surrogates are ill-formed UTF-16. */
export const trickyString = fc.constantFrom(
  '', ' ', '\u0000', '\uD800', 'a\uDC00b', 'x\uD83D', '\uFEFF', '\u202Etxt', '👩‍👩‍👧', '__proto__', 'constructor', 'toString',
  '{{input}}{{prev}}{{draft}}', '%s%n', '${process.exit()}', '^([\\s\\S]+)+$Z', '(a+)+$', '../../../../etc/passwd', '/etc/passwd', 'C:\\\\x',
  "'; MATCH (n) DETACH DELETE n //", 'self', '*', 'auto', 'echo', 'APPROVED', '1e12', 'NaN', 'null', '-0',
);

/** Big but bounded: enough to cross the size limits (1 MiB input) without slowing the suite. */
export const hugeString = fc.oneof(
  fc.constantFrom(600, 20_000, 70_000).map((n) => 'x'.repeat(n)),
  fc.constant(1_100_000).map((n) => 'é'.repeat(n / 2)),
  fc.integer({ min: 100, max: 5_000 }).map((n) => 'word '.repeat(n)),
);

export const hugeArray = fc.oneof(
  fc.integer({ min: 17, max: 2_000 }).map((n) => Array.from({ length: n }, (_, i) => `item ${i}`)),
  fc.constantFrom(5_001, 50_000).map((n) => new Array(n).fill(0)),
);

/** Arrays or objects nested around the input depth limit (32) and far past it (deeper still: deepJsonText). */
export const deepNest = fc.tuple(fc.constantFrom(31, 32, 33, 100, 1_000), fc.boolean()).map(([depth, asArray]) => {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = asArray ? [v] : { a: v };
  return v;
});

/** Values of the wrong JSON type for most fields. */
export const wrongType = fc.constantFrom<unknown>(null, true, false, [], {}, [null], { '': null }, '0', 'true', 1.5, -1, [[]], { length: 1e12 });

/** Own properties named like prototype members, which a careless merge turns into prototype pollution. */
export const evilKeys = () => JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}') as Record<string, unknown>;

/** Any hostile value. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: edgeNumber, weight: 4 },
  { arbitrary: trickyString, weight: 4 },
  { arbitrary: wrongType, weight: 3 },
  { arbitrary: hugeString, weight: 1 },
  { arbitrary: hugeArray, weight: 1 },
  { arbitrary: deepNest, weight: 1 },
  { arbitrary: fc.constant(null).map(evilKeys), weight: 1 },
);

/** JSON text nested `depth` deep, built as text: too deep for a recursive JSON.stringify on the test's side. */
export const deepJsonText = fc.tuple(fc.constantFrom(5_000, 100_000), fc.boolean()).map(([depth, asArray]) => (asArray ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`));
