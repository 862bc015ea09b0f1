/**
 * Where the order scripts send requests: the local worker (`npm start`, default
 * http://localhost:8787, secrets from .dev.vars) or, with --remote, the deployed
 * one (SHOPFRONT_URL, secrets from the environment).
 */
import { existsSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { readDevVars } from '../dev-vars.ts';

export interface Target {
  url: string;
  remote: boolean;
  secret(name: 'ADMIN_TOKEN' | 'ORDER_WEBHOOK_SECRET'): string;
}

export function resolveTarget(args: { remote: boolean; url?: string }): Target {
  if (args.remote) {
    const url = args.url ?? process.env.SHOPFRONT_URL;
    if (!url) throw new Error('--remote needs SHOPFRONT_URL (e.g. https://shop.example.com) or --url');
    return {
      url: url.replace(/\/+$/, ''),
      remote: true,
      secret: (name) => {
        const value = process.env[name];
        if (!value) throw new Error(`--remote needs ${name} in the environment`);
        return value;
      },
    };
  }
  const vars = existsSync('.dev.vars') ? readDevVars('.dev.vars') : {};
  return {
    url: (args.url ?? `http://localhost:${process.env.PORT ?? '8787'}`).replace(/\/+$/, ''),
    remote: false,
    secret: (name) => {
      const value = process.env[name] ?? vars[name];
      if (!value) throw new Error(`${name} is missing: run \`npm start\` once to create .dev.vars`);
      return value;
    },
  };
}

/** A clear message when the worker is not running, instead of a stack trace. */
export async function post(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    const cause =
      error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    throw new Error(`cannot reach ${new URL(url).origin} (${cause}); is the worker running (\`npm start\`)?`);
  }
}

/** parseArgs, or null after printing why the arguments do not parse and the usage. */
export function parseArgsOrUsage<T extends ParseArgsConfig>(
  config: T,
  usage: string,
): ReturnType<typeof parseArgs<T>> | null {
  try {
    return parseArgs(config);
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
    return null;
  }
}

/** The options that name a target (namedTarget): --local, --remote, --url <base>. */
export const TARGET_OPTIONS = {
  local: { type: 'boolean', default: false },
  remote: { type: 'boolean', default: false },
  url: { type: 'string' },
} as const;

/** The order scripts' common arguments: positionals plus --remote and --url. Null (usage printed) when they do not parse. */
export function parseTargetArgs(
  usage: string,
): { positionals: string[]; remote: boolean; url?: string } | null {
  const parsed = parseArgsOrUsage(
    { allowPositionals: true, options: { remote: TARGET_OPTIONS.remote, url: TARGET_OPTIONS.url } },
    usage,
  );
  return parsed && { positionals: parsed.positionals, remote: parsed.values.remote, url: parsed.values.url };
}

/**
 * A target named on the command line, required (CONTRACT.md section 13): `--local`
 * (the local worker), `--remote` (SHOPFRONT_URL, or `--url`) or `--url <base>`
 * alone. Null with the reason when none or two of them are given, so a script
 * never acts on a database the operator did not name.
 */
export function namedTarget(values: {
  local: boolean;
  remote: boolean;
  url?: string;
}): { ok: true; target: Target } | { ok: false; message: string } {
  if (values.local && values.remote) return { ok: false, message: 'give --local or --remote, not both' };
  if (!values.local && !values.remote && values.url === undefined)
    return {
      ok: false,
      message:
        'name where to act: --local (the worker of `npm start`), --remote (SHOPFRONT_URL) or --url <base>',
    };
  if (values.url !== undefined && !/^https?:\/\/[^\s/]+/.test(values.url))
    return { ok: false, message: `--url must be an http(s) base URL, got "${values.url}"` };
  return { ok: true, target: resolveTarget({ remote: values.remote, url: values.url }) };
}

/** How a target is named in what a script prints: its URL and whether it is local or remote. */
export function describeTarget(target: Target): string {
  const local = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(target.url);
  return `${target.url} (${target.remote ? 'remote' : local ? 'local' : 'by --url'})`;
}
