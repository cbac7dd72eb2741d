/**
 * 请求协助 on the task page: the recommendation of who should go, each with its reason, one tap
 * to dispatch a staff member (POST actions `dispatch`, the reason as the note) or to offer a
 * responder the assist (POST /v1/reports/{id}/assists `to`, with the reason); a request to
 * anyone near with the skills it takes; and the report's assists with each offer's state and the
 * requester's 1–5 star rating of finished help (GET /v1/reports/{id}/assists: read on opening and
 * whenever the report changes; loading, none yet, or why they could not be read). Shown to staff while the report is being handled;
 * its assists (and their ratings) stay after. Props: `r`, `me`, `onDispatch(assigneeId, note)`
 * (the page's action: throws on failure), `onChanged()` (read the report again: its timeline).
 */
import { useEffect, useRef, useState } from 'react';
import Taro from '@tarojs/taro';
import { View, Text, Button } from '@tarojs/components';
import { messageOf } from '../../lib/api';
import { heading, role } from '../../lib/a11y';
import { INLINE_BUTTON } from '../shared';
import { Loading } from '../../components/StateView';
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

/** The requester rates: the one who asked (by role and name, as the assist view gives them). */
const askedBy = (a: StaffAssist, me: Pick<Me, 'role' | 'name'>) => (typeof a.requester === 'string' ? a.requester.includes(me.name) : a.requester.role === me.role && a.requester.name === me.name);

const withOffers = (a: StaffAssist | null | undefined): a is StaffAssist => !!a && Array.isArray(a.offers);

export function AssistPanel({ r, me, onDispatch, onChanged }: AssistPanelProps) {
  const open = HANDLED.includes(r.status);
  const [recs, setRecs] = useState<Recommendation[] | null>(null);
  const [recError, setRecError] = useState<string | null>(null);
  /** null: not read yet */
  const [assists, setAssists] = useState<StaffAssist[] | null>(null);
  const [assistsError, setAssistsError] = useState<string | null>(null);
  const [formOpen, setFormOpen] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  /** the latest read wins: an older answer arriving late is dropped */
  const reads = useRef(0);
  /** assists made here, kept until the report's list names them */
  const made = useRef<StaffAssist[]>([]);

  useEffect(() => {
    if (!open) return;
    setRecError(null);
    responders.recommendations(r.id).then(
      (x) => setRecs(x.items),
      (e) => setRecError(messageOf(e)),
    );
  }, [r.id, r.version, open]);
  /** The report's assists (GET /v1/reports/{id}/assists); a failed read keeps what was shown. */
  const loadAssists = async () => {
    const n = ++reads.current;
    try {
      const { items } = await responders.assistsOf(r.id);
      if (n !== reads.current) return;
      const listed = (Array.isArray(items) ? items : []).filter(withOffers);
      made.current = made.current.filter((a) => !listed.some((x) => x.id === a.id));
      setAssists([...listed, ...made.current]);
      setAssistsError(null);
    } catch (e) {
      if (n !== reads.current) return;
      setAssistsError(messageOf(e));
    }
  };
  useEffect(() => {
    made.current = [];
    setAssists(null);
    setAssistsError(null);
  }, [r.id]);
  useEffect(() => void loadAssists(), [r.id, r.version, r.timeline.length]);

  const ask = async (key: string, body: Parameters<typeof responders.request>[1]) => {
    setBusy(key);
    try {
      const a = await responders.request(r.id, body);
      made.current = [...made.current.filter((x) => x.id !== a.id), a];
      setAssists((cur) => [...(cur ?? []).filter((x) => x.id !== a.id), a]);
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
      setAssists((cur) => (cur ?? []).map((x) => (x.id === a.id && withOffers(next) ? next : x)));
      void Taro.showToast({ title: '已评价', icon: 'success' });
      void loadAssists();
      onChanged();
    } catch (e) {
      void Taro.showModal({ title: '评价没有提交', content: messageOf(e), showCancel: false });
    } finally {
      setBusy(null);
    }
  };

  const shown = assists ?? [];
  // an ended report: the panel is its assists (and their ratings), shown once read, or why they could not be
  if (!open && !shown.length && !assistsError) return null;
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
      {shown.length ? (
        <View className='mt12' data-testid='assists'>
          {shown.map((a) => (
            <AssistCard key={a.id} assist={a} canRate={askedBy(a, me)} busy={busy === a.id} onRate={(v, s) => void rate(a, v, s)} />
          ))}
        </View>
      ) : null}
      {assistsError ? (
        <View className='row gap mt12' {...role('alert')} data-testid='assists-error'>
          <Text className='muted small grow'>{shown.length ? `协助记录暂未更新：${assistsError}` : `协助记录暂不可用：${assistsError}`}</Text>
          <Button className='btn btn--small btn--ghost' style={INLINE_BUTTON} onClick={() => void loadAssists()} data-testid='assists-retry'>
            重试
          </Button>
        </View>
      ) : assists === null ? (
        <View className='mt12' data-testid='assists-loading'>
          <Loading text='正在读取协助记录…' />
        </View>
      ) : open && !shown.length ? (
        <Text className='muted small block mt12' data-testid='assists-empty'>
          还没有请求过协助
        </Text>
      ) : null}
    </View>
  );
}
