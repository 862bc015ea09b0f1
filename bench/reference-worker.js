// References R2 and R3 of bench/redirect.ts (issue 26): the platform work a click cannot avoid,
// with none of our code. R2: answer the 302 behind the same assets router as the shopfront, send
// the click as one queue message (waitUntil), and consume the queue into D1 with one statement per
// batch (json_each over the batch, as worker/clicks/store.ts does). R3: R2 plus one HMAC-SHA256 per
// click (the visitor hash). REFERENCE_HMAC = "1" selects R3. Plain JS: bench config, no build.
const LOCATION = 'https://www.amazon.com/dp/B09TQ7ZCS2?tag=bench-20&ascsubtag=reference';
const HEADERS = { Location: LOCATION, 'Cache-Control': 'no-store' };
const encoder = new TextEncoder();

const INSERT = `INSERT OR IGNORE INTO reference_clicks (click_id, at, path, visitor_hash)
SELECT json_extract(value, '$.click_id'), json_extract(value, '$.at'), json_extract(value, '$.path'),
       json_extract(value, '$.visitor_hash')
FROM json_each(?1)`;

let table;
let key;

function hmacKey(secret) {
  key ??= crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  return key;
}

async function visitorHash(request, env, at) {
  const day = new Date(at).toISOString().slice(0, 10);
  const input = `${day}|${request.headers.get('cf-connecting-ip') ?? ''}|${request.headers.get('user-agent') ?? ''}`;
  const mac = await crypto.subtle.sign('HMAC', await hmacKey(env.VISITOR_HASH_SECRET), encoder.encode(input));
  return btoa(String.fromCharCode(...new Uint8Array(mac).slice(0, 16)));
}

export default {
  async fetch(request, env, ctx) {
    const at = Date.now();
    const click = {
      click_id: crypto.randomUUID(),
      at,
      path: new URL(request.url).pathname,
      visitor_hash: null,
    };
    if (env.REFERENCE_HMAC === '1') click.visitor_hash = await visitorHash(request, env, at);
    ctx.waitUntil(env.CLICKS.send(click, { contentType: 'json' }));
    return new Response(null, { status: 302, headers: HEADERS });
  },

  async queue(batch, env) {
    table ??= env.DB.prepare(
      'CREATE TABLE IF NOT EXISTS reference_clicks (click_id TEXT PRIMARY KEY, at INTEGER NOT NULL, path TEXT NOT NULL, visitor_hash TEXT)',
    ).run();
    await table;
    await env.DB.prepare(INSERT)
      .bind(JSON.stringify(batch.messages.map((m) => m.body)))
      .run();
    batch.ackAll();
  },
};
