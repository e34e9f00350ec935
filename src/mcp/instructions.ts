/** The server's `instructions`: how an agent should use LLMOS. */
export const INSTRUCTIONS = `LLMOS runs model tasks as processes, like an operating system.
- Start a task with proc_spawn {"prompt": "...", "wait": true}: it returns the process record with result.text and usage. Without wait it returns a pid at once; then call proc_wait {pid}.
- model "auto" (the default) lets the allocator pick the model; model_list shows what is registered. Set type/language/domain to steer allocation, priority 0 (urgent) to 9 (background).
- proc_list shows processes, proc_kill stops one and its children, proc_nice changes a priority.
- Read llmos://sys for the system, llmos://proc/{pid} for one process (subscribe to follow it).
- Every error has a code (LLMOS_E...) and says what to do next.`;
