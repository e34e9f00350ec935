import type { Task, TaskType } from './task.js';

/** Profile fields a profiler may state a confidence for. */
export type ProfiledField = 'type' | 'language' | 'target_language' | 'code_language' | 'domain';

export interface TaskProfile {
  type: TaskType;
  /** ISO 639-1 language of the text. */
  language: string;
  /** ISO 639-1 language a translation is into; absent when none is asked for. */
  target_language?: string;
  /** Programming language of the code asked for or given, lower case ("python", "cpp"); absent when none. */
  code_language?: string;
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
