/**
 * A timer that can be cut short: `done` resolves after `ms`, or at once when `wake` is called (new work,
 * stop). `wake` after the timer fired does nothing.
 */
export function wakeableDelay(ms: number): { done: Promise<void>; wake: () => void } {
  let wake = (): void => undefined;
  const done = new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    wake = () => {
      clearTimeout(t);
      resolve();
    };
  });
  return { done, wake };
}
