import { PROFILED_FIELDS, sameTextAs, type Intent, type ProfiledField, type Task, type TaskType } from './task.js';

export type { ProfiledField } from './task.js';

export interface TaskProfile {
  type: TaskType;
  /** ISO 639-1 language of the text. */
  language: string;
  /** ISO 639-1 language a translation is into; absent when none is asked for. */
  target_language?: string;
  /** Programming language of the code asked for or given, lower case ("python", "cpp"); absent when none. */
  code_language?: string;
  /** Small talk or work; absent when the profiler does not tell. */
  intent?: Intent;
  domain: string[];
  /** Estimated prompt tokens. */
  size: number;
  /** How sure the profiler is of each field, in [0, 1]; an absent entry means unstated. */
  confidence?: Partial<Record<ProfiledField, number>>;
}

/**
 * Profiles a task before allocation. Runs once at spawn; fields the caller
 * stated explicitly in proc_spawn always win over the profile.
 */
export interface Profiler {
  profile(task: Task): TaskProfile;
}

/**
 * The task with what the caller left out filled in from the profile. Its
 * `confidence` holds 1 for every field the caller stated and the profile's
 * confidence for each field the profile filled (absent when unstated); a task
 * that already carries a confidence (a journaled one) keeps it.
 */
export function applyProfile(task: Task, prof: TaskProfile): Task {
  // Object.assign, not `{ ...task, type, … }`: V8 (Node 20) builds a spread followed by more keys on a slow path, ~3 µs a task against ~0.15.
  const filled: Task = sameTextAs(Object.assign({}, task, { type: task.type ?? prof.type, language: task.language ?? prof.language, domain: task.domain ?? prof.domain }), task);
  const target = task.target_language ?? prof.target_language;
  const code = task.code_language ?? prof.code_language;
  const intent = task.intent ?? prof.intent;
  if (target) filled.target_language = target;
  if (code) filled.code_language = code;
  if (intent) filled.intent = intent;
  if (task.confidence) return filled;
  const confidence: Partial<Record<ProfiledField, number>> = {};
  for (const f of PROFILED_FIELDS) {
    if (task[f] !== undefined) confidence[f] = 1;
    else if (filled[f] !== undefined && prof.confidence?.[f] !== undefined) confidence[f] = prof.confidence[f];
  }
  filled.confidence = confidence;
  return filled;
}
