/**
 * The D1 database from scripts, through wrangler (`wrangler d1 execute DB`), on
 * the local state `wrangler dev` uses or, with `remote`, the deployed database.
 * One home: the harness (scripts/lib/harness/d1.ts); this module names it for the CLIs.
 */
export { d1Execute, type D1Target } from '../harness/d1.ts';
