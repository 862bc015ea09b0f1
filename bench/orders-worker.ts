/**
 * The worker bench/orders.ts serves: the real app, with a plain 404 instead of Astro's pages.
 * Its D1 binding is counted: each answer carries the statements the request issued
 * (x-bench-d1-statements, every statement of a batch counted) and its round trips to D1
 * (x-bench-d1-batches), so the bench reports statements per event type as measured, not as read.
 */
import { createWorker } from '../worker/worker.ts';
import type { Env } from '../worker/env.ts';

const worker = createWorker(() => new Response('not found', { status: 404 }));

interface Count {
  statements: number;
  batches: number;
}

/** The statement itself behind a counted one, for batch(). */
const unwrapped = new WeakMap<object, D1PreparedStatement>();

function countedStatement(statement: D1PreparedStatement, count: Count): D1PreparedStatement {
  const counted = new Proxy(statement, {
    get(target, prop) {
      if (prop === 'bind') return (...values: unknown[]) => countedStatement(target.bind(...values), count);
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (prop === 'run' || prop === 'all' || prop === 'first' || prop === 'raw')
        return (...args: unknown[]) => {
          count.statements++;
          count.batches++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
  unwrapped.set(counted, statement);
  return counted;
}

function countedDb(db: D1Database, count: Count): D1Database {
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'prepare') return (sql: string) => countedStatement(target.prepare(sql), count);
      if (prop === 'batch')
        return (statements: D1PreparedStatement[]) => {
          count.statements += statements.length;
          count.batches++;
          return target.batch(statements.map((s) => unwrapped.get(s) ?? s));
        };
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export default {
  ...worker,
  fetch: async (request: Request, env: Env, ctx: ExecutionContext) => {
    const count: Count = { statements: 0, batches: 0 };
    const response = await worker.fetch(request, { ...env, DB: countedDb(env.DB, count) }, ctx);
    // The app's answers leave with mutable headers (a copy with the security headers): no second copy.
    response.headers.set('x-bench-d1-statements', String(count.statements));
    response.headers.set('x-bench-d1-batches', String(count.batches));
    return response;
  },
} satisfies ExportedHandler<Env>;
