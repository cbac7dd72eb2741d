/**
 * Rights as every use case asks for them: the actor's stored bindings against the area tree in
 * force (domain/rights decides). A refusal is thrown before anything is written.
 */
import { forbidden } from '#domain/errors';
import { mayTouch, type Target } from '#domain/rights';
import type { Actor } from '#domain/roles';
import type { AreaTree } from '#geo/areas';
import { areasInForce } from '#flows/areas';
import type { UserRecord } from '#store/users';

export interface Rights {
  actor: Actor;
  tree: AreaTree;
  may(target: Target): boolean;
  /** throws 403 unless `may(target)` */
  require(target: Target, message?: string): void;
}

export const actorOf = (u: Pick<UserRecord, 'id' | 'role' | 'areaIds'>): Actor => ({ id: u.id, role: u.role, areaIds: u.areaIds });

export function rightsIn(tree: AreaTree, user: Pick<UserRecord, 'id' | 'role' | 'areaIds'>): Rights {
  const actor = actorOf(user);
  const may = (target: Target) => mayTouch(actor, target, tree);
  return {
    actor,
    tree,
    may,
    require(target, message = '不在您的管辖范围') {
      if (!may(target)) throw forbidden(message);
    },
  };
}

export async function rightsOf(user: Pick<UserRecord, 'id' | 'role' | 'areaIds'>): Promise<Rights> {
  return rightsIn((await areasInForce()).tree, user);
}
