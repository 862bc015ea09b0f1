/**
 * Vets a change request with `vet()` itself (domain/vet/vet.ts), the function behind
 * `npm run vet`, so a form and a pull request are judged by one implementation.
 *
 * The worker cannot hold the whole program (CONTRACT.md section 11: up to 100,000 members),
 * so it hands vet the part a single member file is judged against:
 *   base = the program, retailers and rate files as the deployed build validated them
 *        + one path content/influencers/<h>.yaml for every handle h that could clash with the
 *          request's (same skeleton, domain/vet/handles.ts: current or previous handles of the
 *          build's members, and handles of pending applications), unchanged in both revisions
 *        + (an edit) the member's own file as the build has it, and the products it names
 *   head = base + the proposed file + its images
 * Vet then reads the handles as taken exactly as it does in a pull request. What it cannot see
 * here (a tracking id used by a member outside that part) vet checks again on the pull request.
 */
import { parse } from 'yaml';
import { baseName, type ContentError, type SourceFile } from '../content/validate.ts';
import { ADMIN_FILES, INFLUENCER_DIR } from '../vet/changes.ts';
import type { ChangedPath } from '../vet/paths.ts';
import { errorsOf, vet } from '../vet/vet.ts';

/** What the build publishes for the worker to vet requests against (build/write-request-base.ts). */
export interface RequestBase {
  /** content/program.yaml, content/retailers.yaml and content/commission-rates.yaml, as data. */
  program: unknown;
  retailers: unknown;
  rates: unknown;
}

export interface ProposedFile {
  /** content/influencers/<handle>.yaml */
  path: string;
  text: string;
}

export interface RequestImage {
  /** Repository path (site/public/images/...). */
  path: string;
  bytes: Uint8Array;
}

export interface RequestToVet {
  base: RequestBase;
  /** Handles that could clash with the request's (see the header). */
  taken: readonly string[];
  /** The member's file before the request (an edit), or null (an application). */
  before: ProposedFile | null;
  /** Product files the member's storefront may name, as data by id. */
  products: ReadonlyMap<string, unknown>;
  file: ProposedFile;
  images: readonly RequestImage[];
  /** GitHub login acting, or null (a member through the web: never an admin). */
  author: string | null;
  today: string;
}

const [PROGRAM, RETAILERS, RATES] = ADMIN_FILES as [string, string, string];
const encoder = new TextEncoder();

function dataOf(path: string, text: string): SourceFile {
  try {
    return { path, data: parse(text) as unknown };
  } catch (error) {
    return { path, syntaxError: { line: 1, column: 1, message: String(error) } };
  }
}

/** Every error `npm run vet` would report for this request, by file and field. */
export function vetRequest(request: RequestToVet): ContentError[] {
  const fixed = new Map<string, string>([
    [PROGRAM, ''],
    [RETAILERS, ''],
    [RATES, ''],
  ]);
  for (const handle of request.taken) {
    const path = `${INFLUENCER_DIR}${handle}.yaml`;
    if (path !== request.file.path && path !== request.before?.path) fixed.set(path, '');
  }
  const products = [...request.products].map(([id, data]) => ({ path: `content/products/${id}.yaml`, data }));
  const sources = (member: ProposedFile | null) => ({
    program: { path: PROGRAM, data: request.base.program },
    retailers: { path: RETAILERS, data: request.base.retailers },
    rates: { path: RATES, data: request.base.rates },
    influencers: member ? [dataOf(member.path, member.text)] : [],
    products,
  });
  const baseFiles = new Map(fixed);
  if (request.before) baseFiles.set(request.before.path, request.before.text);
  const headFiles = new Map(fixed);
  headFiles.set(request.file.path, request.file.text);
  const imagePaths = new Set(request.images.map((i) => i.path.replace(/^site\/public/, '')));
  const paths: ChangedPath[] = [
    {
      path: request.file.path,
      status: request.before?.path === request.file.path ? 'modified' : 'added',
      head: { symlink: false, bytes: encoder.encode(request.file.text) },
    },
    ...request.images.map((image): ChangedPath => ({
      path: image.path,
      status: 'added',
      head: { symlink: false, bytes: image.bytes },
    })),
  ];
  const result = vet({
    base: { label: 'deployed build', sha: 'deployed', files: baseFiles, sources: sources(request.before) },
    head: {
      files: headFiles,
      sources: { ...sources(request.file), publicImages: undefined },
    },
    author: request.author,
    publicFileExists: (path) => imagePaths.has(path),
    today: request.today,
    paths,
    // The worker signs exactly this file for this handle once it passes, so vet judges it as the
    // signed request branch it becomes (domain/vet/owners.ts): the member's own change.
    request: { id: 'to-be-signed', verified: true, handle: baseName(request.file.path) },
  });
  // Image references are checked against the images the request adds (and, for an edit, the
  // deployed site's): vet's publicImages is left open here and the avatar path is checked by
  // publicFileExists and the path rules above.
  return errorsOf(result);
}
