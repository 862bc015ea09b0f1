/**
 * Every path a pull request changes, not only content (CONTRACT.md section 9).
 * A non-admin may change only their own member file and raster images at their
 * own image paths:
 *   site/public/images/avatars/<handle>.<png|jpg|jpeg|webp|avif>
 *   site/public/images/members/<handle>/<name>.<png|jpg|jpeg|webp|avif>
 * Those images are served from the site's own origin, so they are checked by
 * their bytes (domain/vet/raster.ts). Anything else (worker code, workflows,
 * scripts, the catalog, an SVG) is an error naming the path. Admins may change
 * anything, but member images are checked whoever adds them.
 */
import { ADMIN_FILES, isInfluencerFile } from './changes.ts';
import type { Finding } from './finding.ts';
import { inspectImage, RASTER_EXTENSIONS, type RasterType } from './raster.ts';

export const AVATAR_DIR = 'site/public/images/avatars/';
export const MEMBER_IMAGE_DIR = 'site/public/images/members/';

export interface ChangedPath {
  path: string;
  status: 'added' | 'modified' | 'removed';
  /**
   * The file at the head revision: a symbolic link (never followed) or its bytes (read only for
   * member image paths; empty for others, whose content does not matter). Null when removed.
   */
  head: { symlink: true } | { symlink: false; bytes: Uint8Array } | null;
}

export interface PathContext {
  isAdmin: boolean;
  author: string | null;
  /** Handles whose member file this pull request adds or changes (their ownership is checked there). */
  changedHandles: ReadonlySet<string>;
  /** Handle -> GitHub login of its owner at the base revision. */
  owners: ReadonlyMap<string, string>;
  /** The handle a verified change request (request/<id> branch) speaks for, if any. */
  signedHandle?: string | null;
}

const HANDLE = '([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)';
// Any ending: a member's avatar path is theirs whatever its type; the bytes decide what is accepted.
const AVATAR = new RegExp(`^${AVATAR_DIR}${HANDLE}\\.([A-Za-z0-9]+)$`);
const MEMBER_IMAGE = new RegExp(
  `^${MEMBER_IMAGE_DIR}${HANDLE}/((?:[A-Za-z0-9_-][A-Za-z0-9._-]*/)*[A-Za-z0-9_-][A-Za-z0-9._-]*)$`,
);

const ALLOWED =
  `a pull request from a non-admin may change only its member file (content/influencers/<handle>.yaml) ` +
  `and raster images at ${AVATAR_DIR}<handle>.<png|jpg|jpeg|webp|avif> or under ${MEMBER_IMAGE_DIR}<handle>/`;

/** The member a path belongs to when it is one of the member image paths, else null. */
export function memberImagePath(path: string): { handle: string; extension: string | null } | null {
  const avatar = AVATAR.exec(path);
  if (avatar?.[1]) return { handle: avatar[1], extension: avatar[2]?.toLowerCase() ?? null };
  const member = MEMBER_IMAGE.exec(path);
  if (member?.[1]) {
    const ext = /\.([A-Za-z0-9]+)$/.exec(member[2] ?? '')?.[1]?.toLowerCase() ?? null;
    return { handle: member[1], extension: ext };
  }
  return null;
}

export function changedPathsPolicy(
  paths: readonly ChangedPath[],
  ctx: PathContext,
): (Finding & { file: string })[] {
  const out: (Finding & { file: string })[] = [];
  const add = (file: string, level: Finding['level'], check: string, message: string) =>
    out.push({ file, level, check, field: '(file)', message });

  for (const change of paths) {
    const { path } = change;
    // Member files and program files have their own checks (policy.ts).
    if (isInfluencerFile(path) || ADMIN_FILES.includes(path)) continue;
    const member = memberImagePath(path);
    if (!member) {
      if (!ctx.isAdmin) add(path, 'error', 'Changed files', `${change.status}: ${ALLOWED}`);
      continue;
    }
    if (!ctx.isAdmin) {
      const owner = ctx.owners.get(member.handle);
      const same =
        owner !== undefined && ctx.author !== null && owner.toLowerCase() === ctx.author.toLowerCase();
      const signed = ctx.signedHandle === member.handle;
      if (!ctx.changedHandles.has(member.handle) && !same && !signed) {
        add(
          path,
          'error',
          'Member images',
          `belongs to the member "${member.handle}": only its owner (github in its member file, or its own signed change request) or an admin may change it`,
        );
        continue;
      }
    }
    if (change.head === null) {
      add(path, 'pass', 'Member images', 'removed');
      continue;
    }
    const problem = imageProblem(change.head, member.extension);
    if (problem) add(path, 'error', 'Member images', problem);
    else add(path, 'pass', 'Member images', describe(change.head));
  }
  return out;
}

function imageProblem(head: NonNullable<ChangedPath['head']>, extension: string | null): string | null {
  if (head.symlink) return 'is a symbolic link; images must be regular files';
  const found = inspectImage(head.bytes);
  if (!found.ok) return found.message;
  const allowed = RASTER_EXTENSIONS[found.type];
  if (extension === null || !allowed.includes(extension.toLowerCase()))
    return `is a ${label(found.type)} image but its name ends ${extension ? `".${extension}"` : 'without an extension'}; name it .${allowed[0]}`;
  return null;
}

function describe(head: NonNullable<ChangedPath['head']>): string {
  if (head.symlink) return '';
  const found = inspectImage(head.bytes);
  return found.ok ? `${label(found.type)}, ${found.width}×${found.height}, ${head.bytes.length} bytes` : '';
}

function label(type: RasterType): string {
  return type === 'jpeg' ? 'JPEG' : type === 'webp' ? 'WebP' : type.toUpperCase();
}
