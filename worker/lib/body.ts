/**
 * Request bodies with a size limit, by hono/body-limit: a body over the limit is
 * answered 413 before the handler runs, so no handler ever buffers more than it.
 *
 * hono/body-limit trusts a Content-Length header when there is one, and only
 * counts the bytes as they are read when there is none. A caller inside the
 * runtime (a service binding, `exports.default.fetch`) can send a header that
 * understates the body, so the limit runs twice: once on the header (a declared
 * oversize body is refused without reading a byte), then on the bytes actually
 * read, with the header taken away so that the count cannot be skipped.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { every } from 'hono/combine';
import { problem } from './problem.ts';

/** Middleware: 413 with `message` when the body, declared or read, is over `maxBytes`. */
export function limitBody(maxBytes: number, message: string): MiddlewareHandler {
  const onError = () => problem('body_too_large', message);
  return every(
    bodyLimit({ maxSize: maxBytes, onError }),
    forgetLength,
    bodyLimit({ maxSize: maxBytes, onError }),
  );
}

const forgetLength: MiddlewareHandler = async (c, next) => {
  if (c.req.raw.headers.has('content-length')) {
    const headers = new Headers(c.req.raw.headers);
    headers.delete('content-length');
    c.req.raw = new Request(c.req.raw, { headers });
  }
  await next();
};

/**
 * The body's bytes, or null when it is over `maxBytes`, declared (a Content-Length over the
 * limit is refused before a byte is read) or actually read (counted chunk by chunk whatever
 * the header says; reading stops at the first chunk over). The same two checks as limitBody
 * in one pass, without a copy of the request or a counting stream around its body: for the
 * order webhook, where each event's cost counts (issue 26).
 */
export async function readLimited(request: Request, maxBytes: number): Promise<Uint8Array | null> {
  if (Number(request.headers.get('content-length')) > maxBytes) return null;
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    size += read.value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(read.value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

/** Strict UTF-8 (no replacement characters): the stored raw body must be exactly what was signed. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * A form posted to a page (no Hono middleware there), read at most `maxBytes`: the declared
 * Content-Length is checked before a byte is read, then the bytes are counted as they arrive and
 * reading stops past the limit. Else 'too_large', or 'unreadable' (not a form).
 */
export async function readSmallForm(
  request: Request,
  maxBytes: number,
): Promise<FormData | 'too_large' | 'unreadable'> {
  // Stricter than readLimited's header check: a Content-Length that is not a number is refused too.
  const declared = request.headers.get('content-length');
  if (declared !== null && !(Number(declared) <= maxBytes)) return 'too_large';
  try {
    const bytes = await readLimited(request, maxBytes);
    if (bytes === null) return 'too_large';
    const type = request.headers.get('content-type') ?? '';
    return await new Response(bytes.slice(), { headers: { 'content-type': type } }).formData();
  } catch {
    return 'unreadable';
  }
}

/**
 * A JSON body whose fields the service validates: `{ body }`, or a 400 "invalid <what>: the body
 * must be JSON". An empty body is `{}`, so the service names the missing fields.
 */
export async function jsonBody(c: Context, what: string): Promise<{ body: unknown } | Response> {
  const raw = await c.req.text();
  if (raw.trim() === '') return { body: {} };
  try {
    return { body: JSON.parse(raw) as unknown };
  } catch {
    return problem('invalid', `invalid ${what}: the body must be JSON`);
  }
}
