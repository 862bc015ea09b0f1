/**
 * One load run with autocannon. Runs are sized by a number of requests, not a
 * duration: autocannon then waits for every answer, so the 302s it counts are
 * exactly the requests the Worker answered (a timed run drops its in-flight
 * requests, whose clicks may still be logged).
 */
import autocannon from 'autocannon';
import type { Kind, TrafficRequest } from './traffic.ts';

export interface LoadRun {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  timeouts: number;
  /** Responses by request kind and status code. */
  statuses: Record<Kind, Record<string, number>>;
}

export async function runLoad(
  url: string,
  traffic: readonly TrafficRequest[],
  options: { connections: number; amount: number; timeoutSeconds?: number; limitMs?: number },
): Promise<LoadRun> {
  const statuses: LoadRun['statuses'] = { human: {}, head: {}, bot: {} };
  let lastResponse = 0;
  const requests = traffic.map((r) => ({
    method: r.method,
    path: r.path,
    headers: r.headers,
    onResponse: (status: number) => {
      lastResponse = performance.now();
      const byStatus = statuses[r.kind];
      byStatus[status] = (byStatus[status] ?? 0) + 1;
    },
  }));
  const started = performance.now();
  const instance = autocannon({
    url,
    connections: options.connections,
    amount: options.amount,
    timeout: options.timeoutSeconds ?? 10,
    requests,
    setupClient: skipHeadResponseBodies,
  });
  // autocannon notices that `amount` is reached only on its 1 s tick, so its own
  // duration (and requests/s) is quantized; time from start to the last answer instead.
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      instance.stop();
      reject(new Error(`load run against ${url} did not finish within ${options.limitMs ?? 120_000} ms`));
    }, options.limitMs ?? 120_000);
  });
  const result = await Promise.race([instance, limit]).finally(() => clearTimeout(timer));
  const total = Object.values(statuses).reduce(
    (sum, byStatus) => sum + Object.values(byStatus).reduce((a, b) => a + b, 0),
    0,
  );
  const seconds = lastResponse > started ? (lastResponse - started) / 1000 : result.duration;
  return {
    requests: total,
    seconds,
    rps: seconds > 0 ? total / seconds : 0,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    timeouts: result.timeouts,
    statuses,
  };
}

interface AutocannonClient {
  parser: object & { constructor: { kOnHeadersComplete?: number } };
  requestIterator?: { currentRequest?: { method?: string } };
}

/**
 * autocannon's HTTP parser does not know which request a response answers, so a
 * HEAD response without Content-Length (correct HTTP, what workerd sends) makes
 * it wait for a body until the request times out. Telling the parser to skip the
 * body of responses to HEAD fixes that. The handler is assigned after setupClient
 * runs, hence the accessor.
 */
function skipHeadResponseBodies(client: AutocannonClient): void {
  const key = client.parser.constructor.kOnHeadersComplete;
  if (key === undefined) throw new Error('unexpected autocannon version: no HTTPParser.kOnHeadersComplete');
  let handler: ((...args: unknown[]) => unknown) | undefined;
  Object.defineProperty(client.parser, key, {
    configurable: true,
    get:
      () =>
      (...args: unknown[]) => {
        const result = handler?.(...args);
        return client.requestIterator?.currentRequest?.method === 'HEAD' ? 1 : result;
      },
    set: (fn: (...args: unknown[]) => unknown) => {
      handler = fn;
    },
  });
}

export function count(statuses: LoadRun['statuses'], kind: Kind, status: string): number {
  return statuses[kind][status] ?? 0;
}
