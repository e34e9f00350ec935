/**
 * Whole-excerpt syntax markers for the code-language model: features that
 * say whether the text holds syntax only one side of a confusable pair has
 * (TypeScript's annotations beside JavaScript, C++'s scopes and templates
 * beside C, C's library calls beside C++, Java's declarations beside C and
 * C#). A present marker gives "§name", an absent one "§!name" on a text of
 * enough code lines: JavaScript is TypeScript without annotations, so the
 * absence is evidence too, but not in a two-line fragment. The
 * model weighs them per class like any feature (other languages share some
 * of this syntax: Kotlin's `x: Int`, Rust's `::`).
 */
const MARKERS: readonly (readonly [string, RegExp])[] = [
  ['ts', new RegExp([
    String.raw`:\s*(?:string|number|boolean|any|void|unknown|never|bigint)\b(?!\s*[:(])`,
    String.raw`\b(?:interface|type)\s+[A-Z]\w*(?:<[^>\n]*>)?\s*(?:=|\{|extends)`,
    String.raw`\)\s*:\s*[\w$.]+(?:<[^>\n]*>)?(?:\[\])?\s*(?:=>|\{)`,
    String.raw`\b(?:private|public|protected|readonly)\s+[a-z_$][\w$]*\s*[:;=(?]`,
    String.raw`\bas\s+(?:const|any|unknown|string|number|boolean)\b`,
    String.raw`\b(?:import|export)\s+type\b|\bdeclare\s+(?:const|function|module|class|global)\b|\benum\s+[A-Z]`,
    String.raw`\(\s*[a-z_$][\w$]*\??\s*:\s*[\w$.]+(?:<[^>\n]*>)?(?:\[\])?\s*[,)=]`,
    String.raw`\b(?:const|let|var)\s+[\w$]+\s*:\s*[\w$.]+|\b[\w$]+<[A-Z][\w$.]*(?:\[\])?(?:,\s*[\w$.]+)*>\(`,
  ].join('|'))],
  ['cpp', new RegExp([
    String.raw`\bstd::|\btemplate\s*<|\bnullptr\b|\bnamespace\s+\w*\s*\{|\busing\s+namespace\b|\b(?:public|private|protected):`,
    String.raw`\bclass\s+\w+\s*(?:final\s*)?[:{]|#include\s*<(?:iostream|string|vector|memory|map|algorithm|cstdint|cstdio|cstdlib|cstring|utility|functional|sstream|fstream)>`,
    String.raw`\b(?:constexpr|virtual|static_cast|reinterpret_cast|dynamic_cast)\b|\boperator\s*[^\w\s]|\b\w+::~?\w+\s*\(|\bconst\s*&|\bnew\s+[A-Z]\w*|\bdelete\s*(?:\[\]\s*)?\w`,
  ].join('|'))],
  ['c', new RegExp([
    String.raw`#include\s*<(?:stdio|stdlib|string|stdint|stdbool|unistd|stddef|errno|assert|math|limits|signal|fcntl|time)\.h>`,
    String.raw`\b(?:malloc|calloc|realloc|free|printf|fprintf|sprintf|snprintf|memcpy|memset|strcmp|strlen|strcpy)\s*\(|\btypedef\s+struct\b|\bstruct\s+\w+\s*\*\s*\w|\(void\)|\bNULL\b`,
  ].join('|'))],
  ['java', new RegExp([
    String.raw`^\s*package\s+[\w.]+;|^\s*import\s+(?:static\s+)?[\w.]+(?:\.\*)?;|@Override\b|\bthrows\s+[A-Z]|System\.(?:out|err)\.`,
    String.raw`\b(?:public|private|protected)\s+(?:static\s+)?(?:final\s+)?(?:class|interface|enum|void|int|boolean|String|[A-Z]\w*(?:<[^>\n]*>)?)\s+\w+`,
  ].join('|'), 'm')],
];

/** Adds, for each marker, "§name" when `code` holds its syntax, else (when `absence` counts: enough lines to tell) "§!name". */
export function markerFeatures(code: string, out: Set<string>, absence: boolean): void {
  for (const [name, re] of MARKERS) {
    if (re.test(code)) out.add(`§${name}`);
    else if (absence) out.add(`§!${name}`);
  }
}
