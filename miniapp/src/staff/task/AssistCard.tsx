/**
 * One assist of the report as its staff see it: what was asked, how it stands (等待接单 / 人已齐 /
 * 暂无人接单, the round and radius), and every responder offered with their state and times; a
 * finished offer can be rated 1–5 stars by the requester (`canRate`), which earns the responder
 * their points. Props: `assist`, `canRate`, `busy`, `onRate(volunteerId, score)`.
 */
import { useState } from 'react';
import { View, Text, Button } from '@tarojs/components';
import { formatTime, joinParts } from '../../lib/format';
import { disabledIf } from '../../lib/dom';
import { INLINE_BUTTON } from '../shared';
import { heading } from '../../lib/a11y';
import { Stars } from '../../components/Stars';
import { ASSIST_STATE_NAMES, distanceText, OFFER_STATE_NAMES, type StaffAssist, type StaffOffer } from '../../lib/responders';

export interface AssistCardProps {
  assist: StaffAssist;
  canRate?: boolean;
  busy?: boolean;
  onRate?: (volunteerId: string, score: number) => void;
}

const when = (o: StaffOffer) =>
  o.doneAt ? `${formatTime(o.doneAt)} 完成` : o.arrivedAt ? `${formatTime(o.arrivedAt)} 到场` : o.acceptedAt ? `${formatTime(o.acceptedAt)} 接单` : `${formatTime(o.offeredAt)} 通知`;

function OfferRow({ o, canRate, busy, onRate }: { o: StaffOffer; canRate: boolean; busy: boolean; onRate?: (volunteerId: string, score: number) => void }) {
  const [score, setScore] = useState<number | null>(null);
  return (
    <View style={{ padding: '8px 0', borderTop: '1px solid #f2f3f5' }} data-testid='assist-offer' data-state={o.state} data-user={o.volunteerId}>
      <View className='row--between'>
        <Text className='strong'>
          {o.kindName} {o.name}
        </Text>
        <Text className='small'>{OFFER_STATE_NAMES[o.state]}</Text>
      </View>
      <Text className='muted small block'>{joinParts([`距离 ${distanceText(o.distanceM)}`, when(o)])}</Text>
      {o.note ? <Text className='tl__note'>{o.note}</Text> : null}
      {o.rating ? (
        <View className='row gap mt8'>
          <Text className='small'>已评价</Text>
          <Stars value={o.rating.score} testId='assist-rated' />
        </View>
      ) : null}
      {o.state === 'done' && !o.rating && canRate && onRate ? (
        <View className='mt8' data-testid='assist-rating'>
          <Text className='small block'>评价 {o.name} 的协助</Text>
          <View className='row--between' style={{ flexWrap: 'wrap', gap: '8px' }}>
            <Stars value={score} onChange={setScore} label={`评价 ${o.name} 的协助`} />
            <Button className='btn btn--small btn--primary' style={INLINE_BUTTON} disabled={disabledIf(busy || score === null)} onClick={() => score && onRate(o.volunteerId, score)} data-testid='assist-rate'>
              {score === null ? '请选择星级' : '提交评价'}
            </Button>
          </View>
        </View>
      ) : null}
    </View>
  );
}

export function AssistCard({ assist: a, canRate = false, busy = false, onRate }: AssistCardProps) {
  return (
    <View className='pick' data-testid='assist' data-assist={a.id} data-state={a.state}>
      <View className='row--between' style={{ gap: '8px' }}>
        <Text className='strong grow' {...heading(4)}>
          {a.need}
        </Text>
        <Text className={`badge ${a.state === 'unanswered' ? 'badge--red' : a.state === 'filled' ? 'badge--green' : 'badge--orange'}`}>{ASSIST_STATE_NAMES[a.state]}</Text>
      </View>
      <Text className='muted small block'>{joinParts([`需要 ${a.count} 人，已接单 ${a.accepted} 人`, `第 ${a.round} 轮 · ${distanceText(a.radiusM)}内`])}</Text>
      {a.offers.length ? (
        a.offers.map((o) => <OfferRow key={o.volunteerId} o={o} canRate={canRate} busy={busy} onRate={onRate} />)
      ) : (
        <Text className='muted small block mt8'>附近暂时没有在岗的群防群治力量</Text>
      )}
    </View>
  );
}
