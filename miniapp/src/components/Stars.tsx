/**
 * A 1–5 star rating: read-only (`value`, read as "4 星（满分 5 星）") or, with `onChange`, a
 * radiogroup of five stars a tap chooses (each a 44 px target named "N 星").
 */
import { View, Text } from '@tarojs/components';
import { decorative, radio, role } from '../lib/a11y';

export interface StarsProps {
  value: number | null;
  /** given: the stars can be chosen */
  onChange?: (score: number) => void;
  /** the group's name for screen readers (default 评分) */
  label?: string;
  testId?: string;
}

const SCORES = [1, 2, 3, 4, 5] as const;

export function Stars({ value, onChange, label = '评分', testId }: StarsProps) {
  if (!onChange) {
    const v = value ?? 0;
    return (
      <Text className='stars' {...role('img', `${v} 星（满分 5 星）`)} data-testid={testId} data-score={v}>
        {SCORES.map((s) => (s <= v ? '★' : '☆')).join('')}
      </Text>
    );
  }
  return (
    <View className='row' {...role('radiogroup', label)} data-testid={testId}>
      {SCORES.map((s) => (
        <View key={s} className={`star tap${value !== null && s <= value ? ' star--on' : ''}`} {...radio(value === s, `${s} 星`)} onClick={() => onChange(s)} data-testid={`star-${s}`}>
          <Text {...decorative}>{value !== null && s <= value ? '★' : '☆'}</Text>
        </View>
      ))}
    </View>
  );
}
