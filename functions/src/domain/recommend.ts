/**
 * Who should go (the Nanjing alliance's recommendation): staff and on-duty responders ranked by
 * distance, skill for the report's category and how busy they are, each with its reason in
 * Chinese. The weights, the skills each category calls for and the daily offer cap are data an
 * admin edits (PUT /v1/admin/responders); these are the defaults. Pure.
 *
 * Score in [0, 1]: w.distance × (1 − d / maxDistanceM, floored at 0) + w.skill × fit + w.load ×
 * 1 / (1 + open tasks), over the weights' sum. Fit: for a responder the share of the category's
 * skills they have (1 when it names none); for staff 1 when their side leads the category, else
 * ½. Someone off duty scores nothing for load. Ties by distance, then id.
 */
import type { Role } from '#domain/roles';

export interface ResponderSettings {
  weights: { distance: number; skill: number; load: number };
  /** beyond this a candidate scores nothing for distance */
  maxDistanceM: number;
  /** per category code, the skills it calls for */
  categorySkills: Record<string, string[]>;
  /** nobody is offered more assists than this in one China day */
  offersPerDay: number;
  /** an edit number (0: the defaults, never edited) */
  version: number;
}

export const DEFAULT_RESPONDER_SETTINGS: ResponderSettings = {
  weights: { distance: 0.5, skill: 0.3, load: 0.2 },
  maxDistanceM: 3000,
  categorySkills: {
    ebike_charging: ['消防', '电工'],
    fire_exit_blocked: ['消防'],
    fire_equipment: ['消防'],
    unsafe_wiring: ['电工'],
    open_fire: ['消防'],
    gas_hazard: ['消防'],
    public_security: ['巡逻'],
    dispute: ['调解'],
  },
  offersPerDay: 10,
  version: 0,
};

export interface CandidateFacts {
  userId: string;
  kind: 'staff' | 'responder';
  role: Role;
  name: string;
  /** metres to the place; null when nothing says where they are */
  distanceM: number | null;
  /** where the distance comes from: their last position, or their area */
  from: 'position' | 'area' | 'same_grid';
  skills: readonly string[];
  /** staff: their side leads this category (grid for grid work, police for police matters) */
  leads?: boolean;
  openTasks: number;
  onDuty: boolean;
}

export interface Recommendation extends CandidateFacts {
  score: number;
  reason: string;
}

const distanceWords = (c: CandidateFacts) =>
  c.from === 'same_grid' ? (c.role === 'police_officer' ? '本警格' : '本网格') : c.distanceM === null ? '位置不明' : c.distanceM < 1000 ? `距离 ${c.distanceM} 米` : `距离 ${(c.distanceM / 1000).toFixed(1)} 公里`;

export function recommend(candidates: readonly CandidateFacts[], category: string, s: ResponderSettings): Recommendation[] {
  const wanted = s.categorySkills[category] ?? [];
  const total = s.weights.distance + s.weights.skill + s.weights.load || 1;
  return candidates
    .map((c) => {
      const d = c.from === 'same_grid' ? 0 : c.distanceM;
      const near = d === null ? 0 : Math.max(0, 1 - d / s.maxDistanceM);
      const have = wanted.filter((k) => c.skills.includes(k));
      // staff fit by their side (the one that leads the category handles it); responders by skills
      const fit = c.kind === 'staff' ? (c.leads ? 1 : 0.5) : wanted.length === 0 ? 1 : have.length / wanted.length;
      const free = c.onDuty ? 1 / (1 + c.openTasks) : 0;
      const score = Math.round(((s.weights.distance * near + s.weights.skill * fit + s.weights.load * free) / total) * 1000) / 1000;
      const parts = [distanceWords(c)];
      if (c.kind === 'staff' && c.leads) parts.push('主责');
      if (c.kind === 'responder' && have.length) parts.push(`擅长${have.join('、')}`);
      parts.push(c.onDuty ? `当前 ${c.openTasks} 件在办` : '不在岗');
      return { ...c, score, reason: parts.join(' · ') };
    })
    .sort((a, b) => b.score - a.score || (a.distanceM ?? Infinity) - (b.distanceM ?? Infinity) || (a.userId < b.userId ? -1 : 1));
}
