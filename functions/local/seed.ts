/**
 * The demo city's people: users of every role bound to the demo areas (南山区, 深圳). Seeded on
 * the first `npm start` and in tests. Display names are what residents see on the timeline.
 */
import { demoCity } from '#geo/demo-city';
import type { UserRecord } from '#store/users';
import type { Role } from '#domain/roles';
import type { ResponderKind, Skill, VolunteerRecord } from '#domain/responders';

const GRID_WORKER_NAMES = [
  '王师傅', '李建国', '张秀英', '刘志强', '陈丽华',
  '杨海涛', '赵敏', '黄伟', '周晓燕', '吴国平',
  '徐静', '孙立新', '胡玉兰', '朱建军', '高红梅',
  '林志明', '何桂芳', '郭永辉', '马俊', '罗小琴',
];

const CREATED_AT = '2026-01-01T00:00:00.000Z';

function user(id: string, role: Role, name: string, areaIds: string[], extra: Partial<UserRecord> = {}): UserRecord {
  // Demo openids: log in through the WeChat stand-in with code `dev:o-<id>`.
  return { id, role, name, areaIds, active: true, duty: 'on_duty', openid: `o-${id}`, phone: null, consentVersion: null, createdAt: CREATED_AT, ...extra };
}

export function demoUsers(): UserRecord[] {
  const city = demoCity();
  const grids = city.areas.filter((a) => a.level === 'grid');
  const communities = city.areas.filter((a) => a.level === 'community');
  const beats = city.areas.filter((a) => a.level === 'beat');
  const streets = city.areas.filter((a) => a.level === 'street');
  const short = (id: string) => id.replace(/^[a-z]{2}-/, '');
  const LEADERS = ['陈主任', '林主任', '郑主任', '谢主任'];
  const OFFICERS = ['警官 刘洋', '警官 宋涛', '警官 韩磊', '警官 唐杰', '警官 冯涛'];
  return [
    user('u-res-zhang', 'resident', '张女士', [], { phone: '13800138001', consentVersion: '2026-11' }),
    user('u-res-li', 'resident', '李先生', [], { phone: '13900139002', consentVersion: '2026-11' }),
    user('u-res-wang', 'resident', '王阿姨', [], { phone: '13700137003', consentVersion: '2026-11' }),
    ...grids.map((g, i) => user(`u-gw-${short(g.id)}`, 'grid_worker', GRID_WORKER_NAMES[i % GRID_WORKER_NAMES.length]!, [g.id], { phone: `1860000${String(i).padStart(4, '0')}` })),
    ...communities.map((c, i) => user(`u-gl-${short(c.id)}`, 'grid_leader', LEADERS[i % LEADERS.length]!, [c.id])),
    ...beats.map((b, i) => user(`u-po-${short(b.id)}`, 'police_officer', OFFICERS[i % OFFICERS.length]!.replace('警官 ', ''), [b.id])),
    // A second officer in one beat, so a police-led report there can be verified by someone other than its handler.
    user(`u-po-${short(beats[0]!.id)}-2`, 'police_officer', '邓超', [beats[0]!.id]),
    ...streets.map((s, i) => user(`u-dp-${short(s.id)}`, 'dispatcher', i === 0 ? '粤海街道网格中心' : '南头街道网格中心', [s.id])),
    user('u-dp-nanshan', 'dispatcher', '南山区网格化服务管理中心', ['gd-nanshan']),
    user('u-admin', 'admin', '系统管理员', ['ct-shenzhen']),
    // community responders of 科技园社区 (their standing: demoVolunteers); they report like residents
    ...DEMO_VOLUNTEERS.map((v) => user(v.id, 'volunteer', v.name, [], { consentVersion: '2026-11', phone: v.phone })),
  ];
}

const DEMO_VOLUNTEERS: { id: string; name: string; kind: ResponderKind; skills: Skill[]; phone: string }[] = [
  { id: 'u-vol-kejiyuan-1', name: '赵志愿', kind: 'volunteer', skills: ['消防', '急救'], phone: '13600136001' },
  { id: 'u-vol-kejiyuan-2', name: '钱保安', kind: 'guard', skills: ['巡逻', '消防'], phone: '13600136002' },
  { id: 'u-vol-kejiyuan-3', name: '孙物业', kind: 'property', skills: ['电工'], phone: '13600136003' },
];

/** The demo responders' standing: approved members of 科技园社区, on the leaderboard. */
export function demoVolunteers(): VolunteerRecord[] {
  return DEMO_VOLUNTEERS.map((v) => ({
    userId: v.id,
    communityId: 'cm-kejiyuan',
    kind: v.kind,
    skills: v.skills,
    name: v.name,
    note: null,
    leaderboard: true,
    status: 'approved',
    appliedAt: CREATED_AT,
    decidedAt: CREATED_AT,
    decidedBy: 'u-gl-kejiyuan',
    reason: null,
    version: 1,
  }));
}
