import { setFlagsFromString } from 'node:v8';
import { params } from '../kernel/params.js';

/**
 * Sets how far V8 lets the old generation grow past the live heap before a
 * full GC, for a process that serves (llmos serve, the daemon). Left to
 * itself, V8 grows it to up to 4× the live heap while garbage is cheap to
 * collect, and a gateway under load keeps that garbage resident: 380 MB
 * after four gateway bench rounds, against 215 MB at 30%, for more full
 * collections (+12% CPU per request at 10 connections, +1% at 100; README,
 * LLMOS_HEAP_GROWTH_PERCENT). With 0 V8 keeps its own heuristic.
 */
export function tuneServerHeap(percent = params.heapGrowthPercent): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
