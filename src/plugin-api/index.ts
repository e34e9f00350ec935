/**
 * The only module a plugin imports: the core contracts (floor 0), helpers
 * for plugin authors, and PluginScope with KernelApi. Nothing here exposes
 * the kernel's implementation.
 */
import 'reflect-metadata';
export { z } from 'zod';
export { definePlugin, type PluginDefinition, type PluginLifecycle, type PluginScope, type Provides } from './plugin.js';
export { PLUGIN_API_VERSION } from './version.js';
export { renamedOptions, type OptionRenames } from './renamed-options.js';
// contracts
export { causeOf, stopForEndedRequest, Stops, type ExitCause } from '../core/exit-cause.js';
export { completionRequest, costOf, type ModelBackend, type ModelInfo, type ModelHealth, type Completion, type CompletionRequest, type CompleteOptions, type PromptParts, type Embeddings, type TokenLogprobs } from '../core/model.js';
export type { Scheduler, SchedulerFactory } from '../core/scheduler.js';
export { checkParams, exitFeedback, type Allocator, type AllocatorFactory, type Allocation, type AllocationContext, type AllocationFeedback } from '../core/allocator.js';
export type { Profiler, ProfiledField, TaskProfile } from '../core/profiler.js';
export type { ClientSession, SessionHook } from '../core/session.js';
export type { HttpErrorFormat, HttpHandler, HttpRefusal, HttpRequest, HttpRouter, HttpRoutes } from '../core/http.js';
export { modelFactoryToken, type ModelConfig, type ModelFactory } from '../core/model-factory.js';
export { PERF_TABLE_TOKEN, type PerfTable, type PerfRow, type PerfSample, type PerfObservation } from '../core/perf.js';
export * from '../core/knowledge.js';
export type { SpawnHook } from '../core/spawn.js';
export { defineSyscall, type Syscall, type SyscallContext, type SyscallAnnotations } from '../core/syscall.js';
export { brief, type BriefSchema } from '../core/tool-brief.js';
export type { ResourceEntry, Reader } from '../core/resource.js';
export { describeIssues, LlmosError, toLlmosError, type ErrorCode } from '../core/errors.js';
export { exitStatusOf, procRecord, resultOf, ProcRecordSchema, type ProcView, type ProcView as Process, type ProcState, type ExitStatus, type ProcRecord, type ProcResult, type ProcWatchEvent } from '../core/process.js';
export { DOMAIN_TAGS, estimateTokens, FEATURES, neededFeatures, needsTools, type Feature, onePromptForm, TASK_TYPES, INTENTS, type Intent, PROFILED_FIELDS, messagesText, taskMessages, taskText, taskTokens, type Task, type TaskInput, type TaskType, type DomainTag } from '../core/task.js';
export * from '../core/message.js';
export { countCodePoints, estimatePromptTokens, PER_MESSAGE_TOKENS, PER_REQUEST_TOKENS, promptText } from '../core/token-estimate.js';
export type { KernelApi, ModelView, GroupHandle, Budget, BudgetState, Spend, ProcEventMap } from '../core/kernel-api.js';
export type { ReadyQueue, ReadyQueueFactory, RunHost, RunOutcome, PidSource } from '../core/ready-queue.js';
export type { Awaitable, HoldId, LedgerState, SpendLedger } from '../core/ledger.js';
export type { OwnerPolicy, PolicyStore } from '../core/policy.js';
export { RESTART_ERROR, type Journal, type JournalContext, type JournalReplay } from '../core/journal.js';
export { EndOfTurnWriter } from '../core/end-of-turn.js';
export { procSnapshot, procSnapshotJson, procSnapshotParts, type ProcSnapshot } from '../core/proc-snapshot.js';
export type { Logger } from '../core/log.js';
export { TOKENS } from '../core/tokens.js';
// helpers
export { Rng } from './rng.js';
export { fnv1a } from './fnv1a.js';
export { Heap, RunQueue, queuedByClass, type QueueEntry } from './heap.js';
export { JobSizePredictor, PredictorOptions } from './job-size.js';
export { CapacityInput, CapacityOutput, capacityPlan } from './capacity.js';
export { mmc, sampleStationary, smallestServers, type CapacityTarget, type MmcInput, type MmcResult } from './mmc.js';
export { MAX_REGEX_LENGTH, safeRegex, type SafeRegex } from './safe-regex.js';
export { extractAnswer, lastNumber, majorityVote, normalizeAnswer, rankByAllocation, type AnswerFormat, type VoteResult } from './fusion.js';
export { confinedFolder, type ConfinedFolder } from './confined-path.js';
export { checkEgress, egressLookup, EgressPolicy, unreachableEndpoint, type LookupAll } from './egress.js';
export { isAllowedKeyEnv, KEY_ENV_PREFIX } from './key-env.js';
export * from './gateway/index.js';
export { retryableStatus, retryAfterMs, sdkLogger, socketCode, tooLargeError } from './upstream.js';
export { RemoteModelOptions, remoteModelInfo } from './remote-model.js';
export { remoteRuntimeConfig, resolveRuntimeEndpoint, RuntimeEndpointOptions, type EndpointDefaults, type RemoteRuntimeConfig } from './runtime-endpoint.js';
export { llamaBuildOptions } from './llama-build.js';
export { lookupPrice, priceFor, priceProviderOf, PRICE_TABLE_SOURCE, type PriceProvider, type PriceRow } from './price-table.js';
