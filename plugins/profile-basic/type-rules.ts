import type { TaskType } from '../../src/plugin-api/index.js';

/**
 * Ordered task-type rules: the first rule whose pattern matches the task text
 * names the type; "chat" is the default. Order encodes precedence: explicit
 * instructions (translate, summarize) beat incidental cues (a question mark).
 */
export const TYPE_RULES: ReadonlyArray<{ type: TaskType; pattern: RegExp }> = [
  { type: 'translation', pattern: /\btranslat(e|ion)\b|\binto (english|french|german|spanish|italian|chinese|japanese|russian|portuguese|arabic)\b/i },
  { type: 'summarization', pattern: /\bsummar(y|ize|ise|ization)\b|\btl;?dr\b|\bin (one|a few|two|three) sentences?\b/i },
  {
    type: 'code',
    pattern: /```|\bdef \w+\(|\bfunction\b|\b(python|javascript|typescript|java|c\+\+|rust|golang|sql|regex|bash)\b|\b(write|implement) a (program|script|class|method)\b|\bcompile|\bsyntax error\b/i,
  },
  { type: 'extraction', pattern: /\bextract\b|\b(list|find) all (the )?(names|dates|entities|emails|numbers)\b|\bfrom the (text|passage|document) (below|above)\b.*\b(list|find)\b/i },
  { type: 'classification', pattern: /\bclassify\b|\bcategori[sz]e\b|\bsentiment\b|\b(positive|negative) or (positive|negative|neutral)\b|\bwhich category\b|\bspam\b/i },
  /* Multiple choice: two or more option lines "A) …" / "(B) …" / "C. …". */
  { type: 'qa', pattern: /(^|\n)\s*\(?A[).:]\s.+\n\s*\(?B[).:]\s/ },
  { type: 'math', pattern: /\b(solve|calculate|compute|equation|integral|derivative|probability)\b|\d\s*[-+*/^=]\s*\d/i },
  { type: 'qa', pattern: /\?\s*$|^(who|what|when|where|why|how|which|is|are|does|do|can)\b/im },
];

/** The first matching rule's type, else "chat". */
export function classifyType(text: string): TaskType {
  for (const r of TYPE_RULES) if (r.pattern.test(text)) return r.type;
  return 'chat';
}
