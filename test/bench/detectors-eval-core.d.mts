/** Types of detectors-eval-core.mjs (see there). */
export interface EvalItem { id: string; text: string; label: string; domain?: string; origin?: string; source_language?: string }
export interface EvalSet { name: string; file: string; detector: string; legacy?: string; goal: number }
export interface Detection { value: string; confidence: number; domain?: string }
export type Detect = (text: string) => Detection | undefined;
export interface Score {
  n: number; correct: number; accuracy: number; abstained: number; answeredAccuracy: number;
  confusion: Record<string, Record<string, number>>;
  domain: { seen: number; right: number };
}
export const EVAL_DIR: string;
export const ABSTAIN: string;
export const SETS: EvalSet[];
export function loadSet(file: string): EvalItem[];
export function pickDetector(mod: Record<string, unknown>, set: EvalSet): { fn: Detect; via: string } | undefined;
export function loadDetectorModule(): Promise<Record<string, unknown>>;
export function score(items: EvalItem[], detect: Detect, minConfidence?: number): Score;
export function confusionLines(confusion: Score['confusion']): string[];
