/**
 * THE answer to "may this actor touch this?" (一地一人一账号，分级授权). Every use case asks it,
 * with the area tree the server has stored — never ids the request brought along. Pure: the
 * tree is passed in (flows/rights loads it).
 *
 * Targets:
 * - `{ areaId }`: an area (stats, staff of an area, an account's bindings) — the actor is bound
 *   to it or to an area above it;
 * - `{ gridId, beatId }`: a place (a report, a queue item) — the actor covers its grid or beat;
 * - `'city'`: the whole tree (replacing the area map) — the actor covers every root.
 * Residents touch no area: what a resident may see is decided by membership of a report.
 */
import { coversArea, coversPlace, type Actor } from '#domain/roles';

export interface AreaRights {
  /** true if `ancestorId` is `areaId` or one of its ancestors */
  covers(ancestorId: string, areaId: string): boolean;
  /** areas with no parent: the whole map is theirs */
  roots(): readonly string[];
}

export type Place = { gridId: string | null; beatId: string | null };
export type Target = { areaId: string } | Place | 'city';

export function mayTouch(actor: Actor, target: Target, tree: AreaRights): boolean {
  if (target === 'city') {
    const roots = tree.roots();
    return roots.length > 0 && roots.every((root) => coversArea(actor, root, tree));
  }
  if ('areaId' in target) return coversArea(actor, target.areaId, tree);
  return coversPlace(actor, target, tree);
}
