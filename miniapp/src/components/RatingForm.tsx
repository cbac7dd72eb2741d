/**
 * The survey after closure: satisfied / basically satisfied / dissatisfied, optional comment.
 * Only the reporter's 不满意 sends the report back for rework; a follower (我也遇到) is told their
 * rating is recorded and counted, but does not reopen it.
 */
import { useState } from 'react';
import { View, Text, Button, Textarea } from '@tarojs/components';
import { SCORE_NAMES } from '../lib/format';
import { disabledIf } from '../lib/dom';
import { fieldLabel, radio, role } from '../lib/a11y';

const SCORES = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const;

export const RATING_NOTE = {
  reporter: '您的评价是衡量工作的主要标准。选“不满意”会退回重新处理一次。',
  follower: '您是跟进这件事的居民：您的评价会被记录并计入满意度，但不会让问题重新处理（只有上报人的“不满意”会退回重办）。',
} as const;

export interface RatingFormProps {
  onSubmit: (score: string, comment: string) => void;
  busy?: boolean;
  /** the one who reported it (default true); false: a follower */
  reporter?: boolean;
}

export function RatingForm({ onSubmit, busy = false, reporter = true }: RatingFormProps) {
  const [score, setScore] = useState<string | null>(null);
  const [comment, setComment] = useState('');
  return (
    <View className='card' data-testid='rating-form' data-rater={reporter ? 'reporter' : 'follower'}>
      <Text className='strong block'>问题已处理完毕，您满意吗？</Text>
      <Text className='muted small block' data-testid='rating-note'>
        {reporter ? RATING_NOTE.reporter : RATING_NOTE.follower}
      </Text>
      <View className='row gap mt12' {...role('radiogroup', '您的评价')}>
        {SCORES.map((s) => (
          <View key={s} className={`option grow${score === s ? ' option--on' : ''}`} style={{ textAlign: 'center', marginBottom: 0 }} {...radio(score === s)} onClick={() => setScore(s)} data-testid={`score-${s}`}>
            <Text>{SCORE_NAMES[s]}</Text>
          </View>
        ))}
      </View>
      {reporter && score === 'dissatisfied' ? (
        <Text className='small block mt8 danger-text' data-testid='rating-reopen'>
          提交后，这件事会退回给工作人员重新处理。
        </Text>
      ) : null}
      <Textarea className='textarea mt12' value={comment} placeholder='想说的话（选填）' {...fieldLabel('想说的话（选填）')} maxlength={500} onInput={(e) => setComment(e.detail.value)} />
      <Button className='btn btn--primary btn--block mt12' disabled={disabledIf(!score || busy)} onClick={() => score && onSubmit(score, comment.trim())} data-testid='rating-submit'>
        {busy ? '正在提交…' : '提交评价'}
      </Button>
    </View>
  );
}
