/**
 * What the staff screens and the dispatch centre share: the inbox counts request, the extra
 * fields overdue lists carry (who holds an item and since when), how that reads in words, and
 * labels that never break inside their brackets.
 */
import { Text } from '@tarojs/components';
import { request } from '../lib/api';
import { formatTime } from '../lib/format';
import type { AreaItem, Category, Me, ReportSummary } from '../lib/types';
import type { Reply } from '../components/ActionBar';

/** a button as wide as its words, in a line of text (Taro's h5 button is a block otherwise) */
export const INLINE_BUTTON = { display: 'inline-flex', width: 'auto', flex: '0 0 auto' } as const;

/** GET /v1/tasks/counts: how many each inbox tab lists (已完成 is not counted). */
export interface TaskCounts {
  open: number;
  due_soon: number;
  overdue: number;
}
export const taskCounts = () => request<TaskCounts>('GET', '/v1/tasks/counts');

/** A list item as staff get it: the holder in words, how late, and (overdue lists) since when it is held. */
export type StaffSummary = ReportSummary & {
  holder?: { role: string; roleName: string; name: string } | null;
  overdueMinutes?: number;
  heldSince?: string | null;
};

/** A category as GET /v1/categories gives it, with its canned replies (absent: none). */
export type CategoryWithReplies = Category & { replies?: Reply[] };
export const repliesOf = (categories: readonly CategoryWithReplies[], code: string): Reply[] => categories.find((c) => c.code === code)?.replies ?? [];

/** "网格员 王师傅" — or 待分派 when nobody holds it. */
export function holderName(r: Pick<StaffSummary, 'holder' | 'assignee'>): string {
  const h = r.holder;
  if (h) return h.name && h.name !== h.roleName ? `${h.roleName} ${h.name}` : h.roleName;
  return r.assignee ? r.assignee.name : '待分派';
}

/** "已超时 3 小时" / "已超时 1 天 6 小时" / "已超时 20 分钟", from the server's count of minutes. */
export function lateBy(r: Pick<StaffSummary, 'overdueMinutes' | 'overdue'>): string | null {
  if (!r.overdue || r.overdueMinutes === undefined) return null;
  const m = Math.max(1, r.overdueMinutes);
  const days = Math.floor(m / 1440);
  const hours = Math.floor((m % 1440) / 60);
  if (days) return `已超时 ${days} 天${hours ? ` ${hours} 小时` : ''}`;
  if (hours) return `已超时 ${hours} 小时${m % 60 ? ` ${m % 60} 分` : ''}`;
  return `已超时 ${m} 分钟`;
}

/** "11月23日 14:05 起" — since when the holder has it (null when the list did not say). */
export const heldFrom = (r: Pick<StaffSummary, 'heldSince'>, now = new Date()): string | null => (r.heldSince ? `${formatTime(r.heldSince, now)} 起` : null);

const BRACKETED = /([（(][^）)]*[）)])/;

/**
 * A label whose bracketed part never breaks inside its brackets: "受理用时（中位）" may wrap before
 * "（", never between "（中" and "位）".
 */
export function Nobr({ text, className }: { text: string; className?: string }) {
  const parts = text.split(BRACKETED).filter(Boolean);
  if (parts.length === 1 && !BRACKETED.test(text)) return <Text className={className}>{text}</Text>;
  return (
    <Text className={className}>
      {parts.map((p, i) =>
        BRACKETED.test(p) ? (
          <Text key={i} style={{ whiteSpace: 'nowrap' }} data-nobr=''>
            {p}
          </Text>
        ) : (
          p
        ),
      )}
    </Text>
  );
}

/** The communities someone answers for (志愿者审核): bound to them or to their street; else every one (the API decides). */
export function communitiesOf(me: Pick<Me, 'areaIds'>, all: readonly AreaItem[]): AreaItem[] {
  const mine = all.filter((c) => me.areaIds.includes(c.id) || (c.parentId !== null && me.areaIds.includes(c.parentId)));
  return mine.length ? mine : [...all];
}
