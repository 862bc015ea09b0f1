/**
 * The worker bench/orders.ts serves: the real app, with a plain 404 instead of Astro's pages.
 * Its D1 binding is counted: each answer carries the statements the request issued
 * (x-bench-d1-statements, every statement of a batch counted) and its round trips to D1
 * (x-bench-d1-batches), so the bench reports statements per event type as measured, not as read.
 */
import { createWorker } from '../worker/worker.ts';

const worker = createWorker(() => new Response('not found', { status: 404 }));

type Count = { statements: number; batches: number };

/** The statement itself, its one-statement calls counted (its own methods shadow the class's, so batch() takes it as is). */
function counted(statement: D1PreparedStatement, count: Count): D1PreparedStatement {
  const bind = statement.bind.bind(statement);
  statement.bind = (...values) => counted(bind(...values), count);
  for (const name of ['run', 'all', 'first', 'raw'] as const) {
    const call = statement[name].bind(statement) as (...args: unknown[]) => unknown;
    Object.assign(statement, {
      [name]: (...args: unknown[]) => {
        count.statements++;
        count.batches++;
        return call(...args);
      },
    });
  }
  return statement;
}

function countedDb(db: D1Database, count: Count): D1Database {
  return Object.assign(Object.create(db) as D1Database, {
    prepare: (sql: string) => counted(db.prepare(sql), count),
    batch: (statements: D1PreparedStatement[]) => {
      count.statements += statements.length;
      count.batches++;
      return db.batch(statements);
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
