/**
 * One save of the storefront editor (CONTRACT.md section 15, /dashboard/<handle>/edit/) as a
 * pure change of the member file's data: the file before in, the whole proposed file out.
 * Each form on the page posts one action; the worker validates it here (zod), applies it,
 * and vets the result as a pull request would be (domain/requests/vet-request.ts).
 *
 * Only the storefront's own fields change: bio, socials, featured, lists. Status, tracking ids,
 * history, owner and id are an admin's (docs/decisions.md) and are carried over untouched.
 * A list item a save adds carries `added_on: today` (vet requires it on added items).
 */
import { z } from 'zod';

const text = (max: number) =>
  z
    .string()
    .max(max)
    .transform((s) => s.replace(/\r\n/g, '\n').trim());
const index = z.coerce.number().int().min(0).max(999);
const productId = z.string().trim().min(1).max(64);
const slug = z.string().trim().min(1).max(64);

export const editAction = z.discriminatedUnion('action', [
  z.object({ action: z.literal('bio'), bio: text(2000) }),
  z.object({
    action: z.literal('social'),
    row: index,
    platform: text(40),
    url: text(500),
    followers: text(20),
  }),
  z.object({ action: z.literal('social-remove'), row: index }),
  z.object({ action: z.literal('feature'), product: productId }),
  z.object({ action: z.literal('unfeature'), product: productId }),
  z.object({
    action: z.literal('list-create'),
    slug,
    title: text(200),
    description: text(1000),
    product: productId,
  }),
  z.object({ action: z.literal('list-rename'), list: index, title: text(200), description: text(1000) }),
  z.object({ action: z.literal('list-move'), list: index, to: index }),
  z.object({ action: z.literal('list-remove'), list: index }),
  z.object({ action: z.literal('item-add'), list: index, product: productId, note: text(1000) }),
  z.object({ action: z.literal('item-note'), list: index, item: index, note: text(1000) }),
  z.object({ action: z.literal('item-move'), list: index, item: index, to: index }),
  z.object({ action: z.literal('item-remove'), list: index, item: index }),
]);
export type EditAction = z.output<typeof editAction>;

type Data = Record<string, unknown>;
interface Item extends Data {
  product: string;
  note?: string;
}
interface List extends Data {
  slug: string;
  title: string;
  description?: string;
  items: Item[];
}

/** The change, or why it cannot be made (naming the form field). */
export type EditResult = { ok: true; member: Data } | { ok: false; field: string; message: string };

function move<T>(values: readonly T[], from: number, to: number): T[] {
  const out = [...values];
  const [moved] = out.splice(from, 1);
  if (moved !== undefined) out.splice(Math.min(to, out.length), 0, moved);
  return out;
}

function wholeNumber(value: string): number | null {
  const digits = value.replace(/[,\s_]/g, '');
  return /^\d{1,12}$/.test(digits) ? Number(digits) : null;
}

function withNote<T extends Data>(value: T, note: string): T {
  const { note: _old, ...rest } = value;
  return (note === '' ? rest : { ...rest, note }) as T;
}

export function applyEdit(before: Data, action: EditAction, today: string): EditResult {
  const fail = (field: string, message: string): EditResult => ({ ok: false, field, message });
  const lists = structuredClone((before.lists as List[] | undefined) ?? []);
  const socials = structuredClone((before.socials as Data[] | undefined) ?? []);
  const featured = [...((before.featured as string[] | undefined) ?? [])];
  const done = (change: Data): EditResult => ({ ok: true, member: { ...before, ...change } });
  const list = 'list' in action ? lists[action.list] : undefined;
  if ('list' in action && !list) return fail('list', 'no such list');
  switch (action.action) {
    case 'bio':
      return done({ bio: action.bio });
    case 'social': {
      const followers = wholeNumber(action.followers);
      if (followers === null) return fail('followers', 'must be a whole number of followers (e.g. 12400)');
      const row = { ...(socials[action.row] ?? {}), platform: action.platform, url: action.url, followers };
      if (action.row > socials.length) return fail('row', 'no such profile');
      socials[action.row] = row;
      return done({ socials });
    }
    case 'social-remove':
      if (!socials[action.row]) return fail('row', 'no such profile');
      return done({ socials: socials.filter((_, i) => i !== action.row) });
    case 'feature':
      if (featured.includes(action.product)) return fail('product', 'is already featured');
      return done({ featured: [...featured, action.product] });
    case 'unfeature':
      return done({ featured: featured.filter((p) => p !== action.product) });
    case 'list-create': {
      const item: Item = { product: action.product, added_on: today };
      const created: List = { slug: action.slug, title: action.title, items: [item] };
      if (action.description !== '') created.description = action.description;
      return done({ lists: [...lists, created] });
    }
    case 'list-rename': {
      const renamed: List = { ...(list as List), title: action.title };
      if (action.description === '') delete renamed.description;
      else renamed.description = action.description;
      lists[action.list] = renamed;
      return done({ lists });
    }
    case 'list-move':
      return done({ lists: move(lists, action.list, action.to) });
    case 'list-remove':
      return done({ lists: lists.filter((_, i) => i !== action.list) });
    case 'item-add': {
      const target = list as List;
      if (target.items.some((i) => i.product === action.product))
        return fail('product', 'is already in this list');
      target.items = [
        ...target.items,
        withNote({ product: action.product, added_on: today } as Item, action.note),
      ];
      return done({ lists });
    }
    case 'item-note':
    case 'item-move':
    case 'item-remove': {
      const target = list as List;
      const item = target.items[action.item];
      if (!item) return fail('item', 'no such item');
      if (action.action === 'item-note') target.items[action.item] = withNote(item, action.note);
      else if (action.action === 'item-move') target.items = move(target.items, action.item, action.to);
      else target.items = target.items.filter((_, i) => i !== action.item);
      return done({ lists });
    }
  }
}
