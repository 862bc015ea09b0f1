/**
 * The worker bench/orders.ts serves: the real app, with a plain 404 instead of Astro's pages.
 * Its D1 binding is counted: each answer carries the statements the request issued
 * (x-bench-d1-statements, every statement of a batch counted) and its round trips to D1
 * (x-bench-d1-batches), so the bench reports statements per event type as measured, not as read.
 */
import { createWorker } from '../worker/worker.ts';

const worker = createWorker(() => new Response('not found', { status: 404 }));
type Count = { statements: number; batches: number };
const trip = (count: Count, statements: number) => ((count.statements += statements), count.batches++);

/** The statement itself, its one-statement calls counted (own methods over the class's: batch() takes it as it is). */
function counted(statement: D1PreparedStatement, count: Count): D1PreparedStatement {
  const bind = statement.bind.bind(statement);
  statement.bind = (...values) => counted(bind(...values), count);
  for (const name of ['run', 'all', 'first', 'raw'] as const) {
    const call = statement[name].bind(statement) as (...args: unknown[]) => unknown;
    Object.assign(statement, { [name]: (...args: unknown[]) => (trip(count, 1), call(...args)) });
  }
  return statement;
}

function countedDb(db: D1Database, count: Count): D1Database {
  const prepare = (sql: string) => counted(db.prepare(sql), count);
  const batch = (statements: D1PreparedStatement[]) => (trip(count, statements.length), db.batch(statements));
  return Object.assign(Object.create(db) as D1Database, { prepare, batch });
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
