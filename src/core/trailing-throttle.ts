/**
 * Calls `fn` at most once per `ms` with the latest argument: at once when
 * `ms` has passed since the last call, else once when it will have (a timer
 * that cancel() drops). For reports whose latest value says all, such as a
 * count of tokens streamed.
 */
export function trailingThrottle<T>(fn: (arg: T) => void, ms: number): { (arg: T): void; cancel(): void } {
  let last = -Infinity;
  let latest: T;
  let timer: NodeJS.Timeout | undefined;
  const fire = () => {
    timer = undefined;
    last = performance.now();
    fn(latest);
  };
  const call = (arg: T) => {
    latest = arg;
    if (timer) return;
    const wait = last + ms - performance.now();
    if (wait <= 0) fire();
    else timer = setTimeout(fire, wait);
  };
  call.cancel = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  return call;
}
