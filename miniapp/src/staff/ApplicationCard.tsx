/**
 * One application to be a community responder, as the community's grid leader or officer reviews
 * it: who (the name they gave), as what, skills, their note, when; 通过 in one tap, 不通过 only
 * with a reason (the applicant reads it). Props: `a`, `busy`, `onDecide(decision, reason?)`.
 */
import { useState } from 'react';
import { View, Text, Button, Textarea } from '@tarojs/components';
import { formatTime, joinParts } from '../lib/format';
import { disabledIf } from '../lib/dom';
import { fieldLabel, heading } from '../lib/a11y';
import type { Application } from '../lib/responders';

export interface ApplicationCardProps {
  a: Application;
  busy?: boolean;
  onDecide?: (decision: 'approve' | 'decline', reason?: string) => void;
}

const STATUS: Record<Application['status'], [string, string]> = {
  pending: ['待审核', 'badge--orange'],
  approved: ['已通过', 'badge--green'],
  declined: ['未通过', 'badge--grey'],
};

export function ApplicationCard({ a, busy = false, onDecide }: ApplicationCardProps) {
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState('');
  const [label, tone] = STATUS[a.status];
  return (
    <View className='card' data-testid='application' data-user={a.userId} data-status={a.status}>
      <View className='row--between'>
        <Text className='report-row__title' {...heading(3)}>
          {a.name}
        </Text>
        <Text className={`badge ${tone}`}>{label}</Text>
      </View>
      <Text className='block'>{joinParts([a.kindName, a.skills.length ? `擅长${a.skills.join('、')}` : '未填写技能'])}</Text>
      <Text className='muted small block'>{joinParts([`${formatTime(a.appliedAt)} 申请`, a.leaderboard ? '同意上榜' : '不上榜'])}</Text>
      {a.note ? <Text className='tl__note'>{a.note}</Text> : null}
      {a.reason ? <Text className='small block mt8'>原因：{a.reason}</Text> : null}
      {a.status === 'pending' && onDecide ? (
        declining ? (
          <View className='mt12'>
            <Textarea className='textarea' value={reason} maxlength={200} placeholder='不通过的原因（申请人会看到）' {...fieldLabel('不通过的原因（必填）')} onInput={(e) => setReason(e.detail.value)} data-testid='decline-reason' />
            <View className='row gap mt8'>
              <Button className='btn grow' onClick={() => setDeclining(false)}>
                取消
              </Button>
              <Button className='btn btn--danger grow' disabled={disabledIf(busy || !reason.trim())} onClick={() => onDecide('decline', reason.trim())} data-testid='decline-confirm'>
                {reason.trim() ? '确认不通过' : '请填写原因'}
              </Button>
            </View>
          </View>
        ) : (
          <View className='row gap mt12'>
            <Button className='btn btn--danger grow' disabled={disabledIf(busy)} onClick={() => setDeclining(true)} data-testid='decline' aria-label={`不通过 ${a.name} 的申请`}>
              不通过
            </Button>
            <Button className='btn btn--primary grow' disabled={disabledIf(busy)} onClick={() => onDecide('approve')} data-testid='approve' aria-label={`通过 ${a.name} 的申请`}>
              通过
            </Button>
          </View>
        )
      ) : null}
    </View>
  );
}
