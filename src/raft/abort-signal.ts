/** The reason an AbortSignal aborted, as an Error (a non-Error reason is wrapped). */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error
    ? reason
    : new Error(`aborted: ${String(reason)}`, { cause: reason });
}

/** Calls `onAbort` if `signal` aborts before `promise` settles (at once if already aborted). */
export function watchAbort(
  signal: AbortSignal,
  promise: Promise<unknown>,
  onAbort: () => void,
): void {
  if (signal.aborted) return onAbort();
  signal.addEventListener('abort', onAbort, { once: true });
  const cleanup = (): void => signal.removeEventListener('abort', onAbort);
  promise.then(cleanup, cleanup);
}
