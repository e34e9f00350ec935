import { setFlagsFromString } from 'node:v8';
import { params } from '../kernel/params.js';

/**
 * Sets how far V8 lets the old generation grow past the live heap before a
 * full GC, for a process that serves (llmos serve, the daemon). Left to
 * itself, V8 grows it to up to 4× the live heap while garbage is cheap to
 * collect, and a gateway under load keeps that garbage resident: 285–350 MB
 * after gateway rounds at 100 connections, against 210–216 MB at 30%, for
 * more full collections (a median 11–16% more CPU per request;
 * test/bench/heap-growth.mjs, README). With 0 V8 keeps its own heuristic.
 */
export function tuneServerHeap(percent = params.heapGrowthPercent): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
