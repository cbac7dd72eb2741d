/**
 * "预计 24 小时内处理完毕 · 最迟 11月24日 14:05 前": what a resident can expect while their
 * report is being handled, from the category's limits (counted from the report time), and in red
 * when the current step is late. Nothing once the work is done or the report has ended.
 */
import { View, Text } from '@tarojs/components';
import { expectedOf } from '../lib/format';
import type { ReportView } from '../lib/types';

export function ExpectedTime({ r, now }: { r: Pick<ReportView, 'status' | 'createdAt' | 'deadlines' | 'dueAt' | 'overdue'>; now?: Date }) {
  const e = expectedOf(r, now);
  if (!e) return null;
  return (
    <View className={`expect${e.overdue ? ' expect--late' : ''}`} data-testid='expected-time' data-overdue={e.overdue ? 'true' : 'false'}>
      <Text className='expect__headline'>{e.headline}</Text>
      <Text className='expect__detail'>{e.detail}</Text>
    </View>
  );
}
