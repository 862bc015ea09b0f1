/**
 * `npm run vet -- [--base <git-ref>] [--author <login>] [--out report.md] [--repo <dir>]`
 *
 * Compares the content of a base revision (default: the merge-base with
 * upstream/main or origin/main, else HEAD~1) with the working tree, validates
 * all content, checks every changed path (a non-admin may change only their own
 * member file and raster images at their own image paths), and writes one
 * Markdown vetting report for every influencer file added or changed. Exits 1 on content or policy errors, never on a low score;
 * 2 when it cannot run (bad arguments, unknown base).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatError, type ContentError } from '../domain/content/validate.ts';
import { utcDay } from '../domain/time.ts';
import { CONTENT_DIR } from '../domain/vet/changes.ts';
import { renderRefusal, renderReport } from '../domain/vet/report.ts';
import { errorsOf, vet } from '../domain/vet/vet.ts';
import { readContentSources } from '../build/load-content.ts';
import {
  publicFileExists,
  readChangedPaths,
  readContentFromDisk,
  sourcesFrom,
  symlinkedContent,
} from './lib/vet/files.ts';
import { changedPathsSince, GitError, readContentAt, repoRoot, resolveBase } from './lib/vet/git.ts';

const USAGE = `usage: npm run vet -- [--base <git-ref>] [--author <github-login>] [--out <report.md>] [--repo <dir>]
  --base    revision to compare with (default: merge-base with upstream/main or origin/main, else HEAD~1)
  --author  GitHub login of the pull request's author; admins are read from the base revision
  --out     write the Markdown report to this file instead of stdout
  --repo    repository to check (default: the current directory)`;

function fail(message: string): never {
  console.error(`vet: ${message}`);
  process.exit(2);
}

let options;
try {
  options = parseArgs({
    options: {
      base: { type: 'string' },
      author: { type: 'string' },
      out: { type: 'string' },
      repo: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
}
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}

const out = options.out === undefined ? null : resolve(options.out);

/** Writes the report (file or stdout) and the errors as `file: field: message` lines on stderr. */
function emit(report: string, errors: readonly ContentError[]): void {
  if (out) writeFileSync(out, report);
  else process.stdout.write(report);
  for (const error of errors) console.error(formatError(error));
}

try {
  if (options.repo !== undefined) process.chdir(options.repo);
  process.chdir(repoRoot());
  if (!existsSync(CONTENT_DIR)) fail(`no ${CONTENT_DIR}/ folder in ${process.cwd()}`);

  const links = symlinkedContent();
  if (links.length > 0) {
    const errors = links.map((file) => ({
      file,
      field: '(file)',
      message: 'is a symbolic link; content must be regular files and folders',
    }));
    emit(renderRefusal(errors), errors);
    process.exit(1);
  }

  const base = resolveBase(options.base);
  const baseFiles = readContentAt(base.sha);
  const result = vet({
    base: { ...base, files: baseFiles, sources: sourcesFrom(baseFiles) },
    head: { files: readContentFromDisk(), sources: readContentSources(CONTENT_DIR) },
    author: options.author ?? null,
    publicFileExists,
    today: utcDay(Date.now()),
    paths: readChangedPaths(changedPathsSince(base.sha)),
  });
  const errors = errorsOf(result);
  emit(renderReport(result), errors);
  const touched = result.applications.length;
  console.error(
    `vet: ${touched} storefront file(s) added or changed since ${base.sha.slice(0, 12)} (${base.label}); ` +
      `${errors.length} error(s)${out ? `; report written to ${out}` : ''}`,
  );
  process.exit(errors.length > 0 ? 1 : 0);
} catch (error) {
  if (error instanceof GitError) fail(error.message);
  throw error;
}
