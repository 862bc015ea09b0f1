/**
 * Which handles are taken, for the worker to refuse a web application's handle without the
 * whole program (CONTRACT.md sections 11 and 15). The build files every member's current and
 * previous handles, of any status, by their skeleton (domain/vet/handles.ts: the form two
 * handles share when a reader could mistake one for the other):
 *
 *   shard(h) = shardOf(skeleton(h), HANDLE_INDEX_SHARDS)
 *   shard file = { skeleton: [handles...] }
 *
 * A candidate clashes with a handle only if they share a skeleton or are equal (equal
 * handles share one), so the one shard of the candidate's skeleton holds every handle
 * `clashOf` could report: the worker passes exactly those to vet.
 */
import type { Member } from '../content/schema.ts';
import { DATA_PREFIX, shardOf } from '../links/shards.ts';
import { skeleton } from '../vet/handles.ts';

/** Fixed, like the other shard counts (domain/links/shards.ts): about 8 KB a shard at 100,000 members. */
export const HANDLE_INDEX_SHARDS = 256;

export type HandleIndexShard = Record<string, string[]>;

export function handleIndexShardOf(handle: string): number {
  return shardOf(skeleton(handle), HANDLE_INDEX_SHARDS);
}

export function handleIndexPath(index: number): string {
  return `${DATA_PREFIX}requests/handles/${index}.json`;
}

/** Where the build writes the program files the worker vets requests against. */
export const REQUEST_BASE_PATH = `${DATA_PREFIX}requests/base.json`;

export function buildHandleIndex(
  members: readonly Pick<Member, 'handle' | 'previous_handles'>[],
): HandleIndexShard[] {
  const shards: HandleIndexShard[] = Array.from({ length: HANDLE_INDEX_SHARDS }, () => ({}));
  for (const member of members)
    for (const handle of [member.handle, ...member.previous_handles]) {
      const shard = shards[handleIndexShardOf(handle)] as HandleIndexShard;
      const key = skeleton(handle);
      const list = (shard[key] ??= []);
      if (!list.includes(handle)) list.push(handle);
    }
  return shards;
}

/** The handles of a shard that share `candidate`'s skeleton. */
export function handlesLike(shard: HandleIndexShard, candidate: string): string[] {
  const key = skeleton(candidate);
  return Object.hasOwn(shard, key) ? (shard[key] ?? []) : [];
}
