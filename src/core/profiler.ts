import type { Task, TaskType } from './task.js';

export interface TaskProfile {
  type: TaskType;
  language: string;
  domain: string[];
  /** Estimated prompt tokens. */
  size: number;
}

/**
 * Profiles a task before allocation. Runs once at spawn; fields the caller
 * stated explicitly in proc_spawn always win over the profile.
 */
export interface Profiler {
  profile(task: Task): TaskProfile;
}
