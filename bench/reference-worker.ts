// The references of bench/redirect.ts (issue 26), none with any of our code; REFERENCE selects:
//   bare  only answers the 302 (alone, and behind the same static-assets router as the shopfront);
//   r2    the platform work a click cannot avoid: the 302 behind the same router, the click sent as
//         one queue message (waitUntil) and consumed into D1 with one statement per batch
//         (json_each over the batch, as worker/clicks/store.ts does);
//   r3    r2 plus one HMAC-SHA256 per click (the visitor hash).
const LOCATION = 'https://www.amazon.com/dp/B09TQ7ZCS2?tag=bench-20&ascsubtag=reference';
const HEADERS = { Location: LOCATION, 'Cache-Control': 'no-store' };
const CREATE = `CREATE TABLE IF NOT EXISTS reference_clicks
  (click_id TEXT PRIMARY KEY, at INTEGER NOT NULL, path TEXT NOT NULL, visitor_hash TEXT)`;
const INSERT = `INSERT OR IGNORE INTO reference_clicks (click_id, at, path, visitor_hash)
SELECT json_extract(value, '$.click_id'), json_extract(value, '$.at'), json_extract(value, '$.path'),
       json_extract(value, '$.visitor_hash')
FROM json_each(?1)`;
const HMAC = { name: 'HMAC', hash: 'SHA-256' };
const encoder = new TextEncoder();
let table: Promise<unknown> | undefined, key: Promise<CryptoKey> | undefined;

async function visitorHash(request: Request, secret: string, at: number) {
  key ??= crypto.subtle.importKey('raw', encoder.encode(secret), HMAC, false, ['sign']);
  const day = new Date(at).toISOString().slice(0, 10);
  const input = `${day}|${request.headers.get('cf-connecting-ip') ?? ''}|${request.headers.get('user-agent') ?? ''}`;
  const mac = await crypto.subtle.sign('HMAC', await key, encoder.encode(input));
  return btoa(String.fromCharCode(...new Uint8Array(mac).slice(0, 16)));
}

type Reference = { REFERENCE: string; VISITOR_HASH_SECRET: string; CLICKS: Queue };
export type ReferenceClick = { click_id: string; at: number; path: string; visitor_hash: string | null };
const sendJson = (click: ReferenceClick, queue: Queue) => queue.send(click, { contentType: 'json' });

/** The references' request path; `send` queues the click (R3L, bench/click-log-reference-worker.ts: as our message). */
export async function redirect(request: Request, env: Reference, ctx: ExecutionContext, send = sendJson) {
  if (env.REFERENCE === 'bare') return new Response(null, { status: 302, headers: HEADERS });
  const [at, path] = [Date.now(), new URL(request.url).pathname];
  const click: ReferenceClick = { click_id: crypto.randomUUID(), at, path, visitor_hash: null };
  if (env.REFERENCE !== 'r2') click.visitor_hash = await visitorHash(request, env.VISITOR_HASH_SECRET, at);
  ctx.waitUntil(send(click, env.CLICKS));
  return new Response(null, { status: 302, headers: HEADERS });
}

export default {
  fetch: (request, env, ctx) => redirect(request, env, ctx),
  async queue(batch, env) {
    await (table ??= env.DB.prepare(CREATE).run());
    const bodies = JSON.stringify(batch.messages.map((m) => m.body));
    await env.DB.prepare(INSERT).bind(bodies).run();
    batch.ackAll();
  },
} satisfies ExportedHandler<Reference & { DB: D1Database }>;
