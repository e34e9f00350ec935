/** The only module a plugin imports. */
import 'reflect-metadata';
export { z } from 'zod';
export { definePlugin, type PluginDefinition, type PluginScope, type Provides } from './plugin.js';
export type { ModelBackend, ModelInfo, ModelHealth, Completion, CompletionRequest, CompleteOptions } from './model.js';
export type { Scheduler, SchedulerFactory } from './scheduler.js';
export type { Allocator, AllocatorFactory, Allocation, AllocationContext, AllocationFeedback } from './allocator.js';
export type { Profiler, TaskProfile } from './profiler.js';
export type { KnowledgeStore } from './knowledge.js';
export { defineSyscall, type Syscall, type SyscallContext, type SyscallAnnotations } from '../kernel/syscall.js';
export type { ResourceEntry } from '../kernel/resourcetable.js';
export { LlmosError, type ErrorCode } from '../kernel/errors.js';
export type { Process, ProcState, ExitStatus, ProcRecord } from '../kernel/proc.js';
export { procRecord } from '../kernel/proc.js';
export { TASK_TYPES, taskMessages, taskText, type Task, type TaskType, type Message } from '../kernel/task.js';
export type { Kernel } from '../kernel/kernel.js';
export type { Logger } from '../kernel/log.js';
export { TOKENS } from '../kernel/tokens.js';
export { estimateTokens } from '../kernel/exec.js';
