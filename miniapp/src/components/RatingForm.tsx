/** The survey after closure: satisfied / basically satisfied / dissatisfied, optional comment. */
import { useState } from 'react';
import { View, Text, Button, Textarea } from '@tarojs/components';
import { SCORE_NAMES } from '../lib/format';
import { disabledIf } from '../lib/dom';

const SCORES = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const;

export function RatingForm({ onSubmit, busy = false }: { onSubmit: (score: string, comment: string) => void; busy?: boolean }) {
  const [score, setScore] = useState<string | null>(null);
  const [comment, setComment] = useState('');
  return (
    <View className='card' data-testid='rating-form'>
      <Text className='strong block'>问题已处理完毕，您满意吗？</Text>
      <Text className='muted small block'>您的评价是衡量工作的主要标准。选“不满意”会让工作人员重新处理一次。</Text>
      <View className='row gap mt12'>
        {SCORES.map((s) => (
          <View key={s} className={`option grow${score === s ? ' option--on' : ''}`} style={{ textAlign: 'center', marginBottom: 0 }} onClick={() => setScore(s)} data-testid={`score-${s}`}>
            <Text>{SCORE_NAMES[s]}</Text>
          </View>
        ))}
      </View>
      <Textarea className='textarea mt12' value={comment} placeholder='想说的话（选填）' maxlength={500} onInput={(e) => setComment(e.detail.value)} />
      <Button className='btn btn--primary btn--block mt12' disabled={disabledIf(!score || busy)} onClick={() => score && onSubmit(score, comment.trim())}>
        {busy ? '正在提交…' : '提交评价'}
      </Button>
    </View>
  );
}
