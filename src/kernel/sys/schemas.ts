import { z } from 'zod';

export const Pid = z.number().int().positive();
export const TimeoutMs = (dflt: number, max: number) => z.number().int().min(1).max(max).default(dflt);
