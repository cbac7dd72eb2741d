/**
 * 请求协助 on the task page: the recommendation of who should go, each with its reason, one tap
 * to dispatch a staff member (POST actions `dispatch`, the reason as the note) or to offer a
 * responder the assist (POST /v1/reports/{id}/assists `to`, with the reason); a request to
 * anyone near with the skills it takes; and the report's assists with each offer's state and the
 * requester's 1–5 star rating of finished help. Shown to staff while the report is being handled;
 * its assists (and their ratings) stay after. Props: `r`, `me`, `onDispatch(assigneeId, note)`
 * (the page's action: throws on failure), `onChanged()` (read the report again: its timeline).
 */
import { useEffect, useState } from 'react';
import Taro from '@tarojs/taro';
import { View, Text, Button } from '@tarojs/components';
import { messageOf } from '../../lib/api';
import { askedAssists } from '../../lib/storage';
import { heading } from '../../lib/a11y';
import { responders, type Recommendation, type Skill, type StaffAssist } from '../../lib/responders';
import type { Me, ReportView } from '../../lib/types';
import { Recommendations } from './Recommendations';
import { AssistForm } from './AssistForm';
import { AssistCard } from './AssistCard';

export interface AssistPanelProps {
  r: Pick<ReportView, 'id' | 'version' | 'status' | 'availableActions' | 'timeline' | 'categoryName'>;
  me: Pick<Me, 'id' | 'role' | 'name'>;
  onDispatch: (assigneeId: string, note: string) => Promise<unknown>;
  onChanged: () => void;
}

const HANDLED = ['reported', 'accepted', 'dispatched', 'in_progress'];

/** The assists a report has: named by its timeline's assist steps (`assistId`) and asked for on this device. */
export function assistIdsOf(r: Pick<ReportView, 'id' | 'timeline'>): string[] {
  const named = r.timeline.flatMap((e) => {
    const id = (e as { assistId?: unknown }).assistId;
    return e.action.startsWith('assist_') && typeof id === 'string' ? [id] : [];
  });
  return [...new Set([...named, ...askedAssists.of(r.id)])];
}

/** The requester rates: the one who asked (by role and name, as the assist view gives them). */
const askedBy = (a: StaffAssist, me: Pick<Me, 'role' | 'name'>) => (typeof a.requester === 'string' ? a.requester.includes(me.name) : a.requester.role === me.role && a.requester.name === me.name);

export function AssistPanel({ r, me, onDispatch, onChanged }: AssistPanelProps) {
  const open = HANDLED.includes(r.status);
  const [recs, setRecs] = useState<Recommendation[] | null>(null);
  const [recError, setRecError] = useState<string | null>(null);
  const [assists, setAssists] = useState<StaffAssist[]>([]);
  const [formOpen, setFormOpen] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const ids = assistIdsOf(r).join(',');

  useEffect(() => {
    if (!open) return;
    setRecError(null);
    responders.recommendations(r.id).then(
      (x) => setRecs(x.items),
      (e) => setRecError(messageOf(e)),
    );
  }, [r.id, r.version, open]);
  /** Each assist read again; one that cannot be read now keeps what was shown of it. */
  const loadAssists = async () => {
    const known = assistIdsOf(r);
    const found = await Promise.all(known.map((id) => responders.assist(id).catch(() => null)));
    setAssists((cur) =>
      known.flatMap((id, i) => {
        const a = found[i];
        if (a && Array.isArray(a.offers)) return [a];
        const shown = cur.find((x) => x.id === id);
        return shown ? [shown] : [];
      }),
    );
  };
  useEffect(() => void loadAssists(), [r.id, ids]);

  const ask = async (key: string, body: Parameters<typeof responders.request>[1]) => {
    setBusy(key);
    try {
      const a = await responders.request(r.id, body);
      askedAssists.add(r.id, a.id);
      setAssists((cur) => [...cur.filter((x) => x.id !== a.id), a]);
      setFormOpen(false);
      void Taro.showToast({ title: a.offers.length ? `已通知 ${a.offers.length} 人` : '附近暂无在岗人员', icon: a.offers.length ? 'success' : 'none' });
      onChanged();
    } catch (e) {
      void Taro.showModal({ title: '协助请求没有发出', content: messageOf(e), showCancel: false });
    } finally {
      setBusy(null);
    }
  };
  const dispatch = async (c: Recommendation) => {
    setBusy(c.userId);
    try {
      await onDispatch(c.userId, `推荐：${c.reason}`);
    } catch {
      /* the page said why */
    } finally {
      setBusy(null);
    }
  };
  const offer = (c: Recommendation) => void ask(c.userId, { need: `协助处置：${r.categoryName}`.slice(0, 60), to: [c.userId], recommendation: c.reason.slice(0, 100) });
  const rate = async (a: StaffAssist, volunteerId: string, score: number) => {
    setBusy(a.id);
    try {
      // the responder is always named: the API needs it once more than one finished
      const next = await responders.rate(a.id, { score, volunteerId });
      setAssists((cur) => cur.map((x) => (x.id === a.id ? (Array.isArray(next?.offers) ? next : x) : x)));
      void Taro.showToast({ title: '已评价', icon: 'success' });
      void loadAssists();
      onChanged();
    } catch (e) {
      void Taro.showModal({ title: '评价没有提交', content: messageOf(e), showCancel: false });
    } finally {
      setBusy(null);
    }
  };

  if (!open && !assists.length) return null;
  return (
    <View className='card' data-testid='assist-panel'>
      <Text className='strong block' {...heading(2)}>
        请求协助
      </Text>
      {open ? (
        <>
          <Text className='muted small block' style={{ marginBottom: '6px' }}>
            推荐人员（按距离、技能和忙闲排序）
          </Text>
          <Recommendations items={recs} error={recError} canDispatch={(r.availableActions ?? []).includes('dispatch')} busyId={busy} onDispatch={(c) => void dispatch(c)} onOffer={offer} />
          <View className='divider' />
          {formOpen ? (
            <AssistForm busy={busy === 'form'} onSubmit={(b: { need: string; skills: Skill[]; count: number }) => void ask('form', { need: b.need, count: b.count, ...(b.skills.length ? { skills: b.skills } : {}) })} />
          ) : (
            <Button className='btn btn--ghost btn--block' onClick={() => setFormOpen(true)} data-testid='assist-open'>
              请附近的群防群治力量协助
            </Button>
          )}
        </>
      ) : null}
      {assists.length ? (
        <View className='mt12' data-testid='assists'>
          {assists.map((a) => (
            <AssistCard key={a.id} assist={a} canRate={askedBy(a, me)} busy={busy === a.id} onRate={(v, s) => void rate(a, v, s)} />
          ))}
        </View>
      ) : null}
    </View>
  );
}
