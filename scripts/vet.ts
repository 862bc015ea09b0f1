/**
 * `npm run vet -- [--base <git-ref>] [--author <login>] [--branch <name>] [--head-commit <sha>] [--out report.md] [--repo <dir>]`
 *
 * Compares the content of a base revision (CI: the target branch's current head, which
 * HEAD must contain; default: the merge-base with upstream/main or origin/main, else
 * HEAD~1) with the working tree, checks the owner rules (domain/vet/owners.ts; a
 * request/<id> branch's signature is verified with the base's public key), validates
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
  memberFile,
  readContentFromDisk,
  signingKeyOf,
  sourcesFrom,
  symlinkedContent,
  touchedHandles,
} from './lib/vet/files.ts';
import {
  BehindBaseError,
  changedPathsSince,
  commitTrailers,
  currentBranch,
  GitError,
  readContentAt,
  repoRoot,
  resolveBase,
} from './lib/vet/git.ts';
import { checkRequest } from './lib/vet/request.ts';

const USAGE = `usage: npm run vet -- [--base <git-ref>] [--author <github-login>] [--branch <name>] [--head-commit <sha>] [--out <report.md>] [--repo <dir>]
  --base    the target branch's head to judge against; HEAD must contain it
            (default, a local preview: merge-base with upstream/main or origin/main, else HEAD~1)
  --author  GitHub login of the pull request's author; admins and owners are read from the base revision
  --branch  the pull request's head branch (default: the checked-out branch); request/<id> branches
            are checked for the worker's signature
  --head-commit  the pull request's head commit, whose trailers carry the signature (default: HEAD)
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
      branch: { type: 'string' },
      'head-commit': { type: 'string' },
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

  let base;
  try {
    base = resolveBase(options.base);
  } catch (error) {
    if (!(error instanceof BehindBaseError)) throw error;
    const errors = [{ file: '(branch)', field: '(base)', message: error.message }];
    emit(renderRefusal(errors), errors);
    process.exit(1);
  }
  const baseFiles = readContentAt(base.sha);
  const baseSources = sourcesFrom(baseFiles);
  const paths = changedPathsSince(base.sha);
  const request = await checkRequest({
    branch: options.branch ?? currentBranch(),
    trailers: () => commitTrailers(options['head-commit'] ?? 'HEAD'),
    publicKey: signingKeyOf(baseSources.program),
    handles: touchedHandles(paths.map((p) => p.path)),
    memberFile,
  });
  const result = vet({
    base: { ...base, files: baseFiles, sources: baseSources },
    head: { files: readContentFromDisk(), sources: readContentSources(CONTENT_DIR) },
    author: options.author ?? null,
    publicFileExists,
    today: utcDay(Date.now()),
    paths: readChangedPaths(paths),
    request,
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
