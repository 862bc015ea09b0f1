/**
 * D1 has short transient failures (busy, overloaded, reset, brief outages). Writes
 * go through `withRetry`, which retries only those, with jittered exponential
 * backoff; callers make their writes idempotent so a retry can never apply twice.
 */
const TRANSIENT =
  /busy|locked|overloaded|reset|network connection lost|internal error|timed? ?out|temporarily unavailable|D1_ERROR.*(?:retry|restart)|storage caused object to be reset|object to be reset|cannot resolve D1 DB due to transient issue/i;

export function isTransientD1Error(error: unknown): boolean {
  const message = error instanceof Error ? `${error.message} ${String(error.cause ?? '')}` : String(error);
  return TRANSIENT.test(message);
}

export interface RetryOptions {
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Called before each retry; for logs and counters. */
  onRetry?: (error: unknown, attempt: number) => void;
}

export async function withRetry<T>(operation: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { attempts = 5, baseDelayMs = 50, maxDelayMs = 2_000, onRetry } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= attempts || !isTransientD1Error(error)) throw error;
      onRetry?.(error, attempt);
      const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      await new Promise((resolve) => setTimeout(resolve, ceiling / 2 + Math.random() * (ceiling / 2)));
    }
  }
}
