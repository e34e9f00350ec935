import { z } from '../../src/plugin-api/index.js';

export const PriorityOptions = z.object({
  /**
   * Aging rate in priority classes per second aged (see aging_since): after
   * k/aging_per_s seconds a class-k process is level with a fresh class-0
   * one, unless max_boost stops it first. 0 turns aging off (strict classes).
   */
  aging_per_s: z.number().min(0).default(0.1),
  /**
   * At most how many classes aging lifts a process (absent: no cap). With a
   * cap k, class c never overtakes a process of class c − k or more urgent
   * that has been waiting at all, so those classes alone can starve class c.
   */
  max_boost: z.number().min(0).optional(),
  /**
   * What a process ages from. 'class_last_run' (default): the later of its
   * readyAt and the last time its class was picked — the time its class has
   * been passed over — so a backlog of a class that keeps running never
   * outranks more urgent classes, while a class that gets no slot for
   * class/aging_per_s seconds is served next. 'arrival': its readyAt, as in
   * classic linear aging; under a saturating low-priority load the old
   * backlog then outranks every urgent arrival and the policy decays to FCFS.
   */
  aging_since: z.enum(['class_last_run', 'arrival']).default('class_last_run'),
  /**
   * Preemption: when a process arrives and every slot is busy, a running
   * process of a strictly less urgent class may be cancelled and requeued
   * (see preemptFor). Off by default: the cancelled call's work is lost.
   */
  preempt: z.boolean().default(false),
});
export type PriorityOptions = z.output<typeof PriorityOptions>;
