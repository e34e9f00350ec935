import { z } from 'zod';

export const Pid = z.number().int().positive().describe('A process id from proc_spawn or proc_list.');
export const TimeoutMs = (dflt: number, max: number) => z.number().int().min(1).max(max).default(dflt).describe('How long to wait, in ms.');
