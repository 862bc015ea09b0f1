/**
 * One load run with autocannon against a bench target. Runs are sized by a number of requests,
 * not a duration: autocannon then waits for every answer, so the 302s it counts are exactly the
 * requests the Worker answered (a timed run drops its in-flight requests, whose clicks may
 * still be logged). The server's CPU time is read from /proc before and after.
 */
import autocannon from 'autocannon';
import { withTimeout } from '../../scripts/lib/harness/process.ts';
import { cpuMs } from './cpu.ts';
import { fmt } from './report.ts';
import type { Target } from './targets.ts';
import type { Kind, TrafficRequest } from './traffic.ts';

export interface LoadRun {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  timeouts: number;
  /** Server CPU time (all its processes) per request, in microseconds. */
  serverCpuUs: number;
  /** Responses by request kind and status code. */
  statuses: Record<Kind, Record<string, number>>;
}

export async function runLoad(
  target: Pick<Target, 'url' | 'pids'>,
  traffic: readonly TrafficRequest[],
  options: { connections: number; amount: number; limitMs: number },
): Promise<LoadRun> {
  const statuses: LoadRun['statuses'] = { human: {}, head: {}, bot: {} };
  let requests = 0;
  let lastResponse = 0;
  const pids = target.pids();
  const cpuBefore = cpuMs(pids);
  const started = performance.now();
  const instance = autocannon({
    url: target.url,
    connections: options.connections,
    amount: options.amount,
    timeout: 10,
    requests: traffic.map(({ kind, ...request }) => ({
      ...request,
      onResponse: (status: number) => {
        lastResponse = performance.now();
        requests++;
        statuses[kind][status] = (statuses[kind][status] ?? 0) + 1;
      },
    })),
    setupClient: skipHeadResponseBodies,
  });
  const what = `load run against ${target.url}`;
  const result = await withTimeout(Promise.resolve(instance), options.limitMs, what).catch(
    (error: unknown) => {
      instance.stop();
      throw error;
    },
  );
  // autocannon notices that `amount` is reached only on its 1 s tick, so its own
  // duration (and requests/s) is quantized; time from start to the last answer instead.
  const seconds = lastResponse > started ? (lastResponse - started) / 1000 : result.duration;
  const serverCpuUs = requests > 0 ? ((cpuMs(pids) - cpuBefore) * 1000) / requests : 0;
  const { errors, timeouts, latency } = result;
  const rps = seconds > 0 ? requests / seconds : 0;
  return { requests, rps, p50: latency.p50, p99: latency.p99, errors, timeouts, serverCpuUs, statuses };
}

export const describeLoad = (r: LoadRun) =>
  `${fmt(r.rps).padStart(7)} req/s  p50 ${fmt(r.p50, 1)} ms  p99 ${fmt(r.p99, 1)} ms  server CPU ${fmt(r.serverCpuUs)} µs/req` +
  (r.errors + r.timeouts > 0 ? `  errors ${r.errors} timeouts ${r.timeouts}` : '');

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
