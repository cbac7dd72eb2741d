/**
 * Who should go (推荐): staff and on-duty responders ranked by distance, skill for the category
 * and how busy they are, each with the reason in words ("距离 180 米 · 擅长消防 · 当前 1 件在办").
 * One tap: a staff member is dispatched the task (only where this person may dispatch), a
 * responder is sent an assist offer. Props: `items` (null: loading), `error`, `canDispatch`,
 * `busyId`, `onDispatch(candidate)`, `onOffer(candidate)`.
 */
import { View, Text, Button } from '@tarojs/components';
import { disabledIf } from '../../lib/dom';
import { INLINE_BUTTON } from '../shared';
import { role } from '../../lib/a11y';
import { ROLE_NAMES } from '../../lib/format';
import type { Recommendation } from '../../lib/responders';
import { Loading } from '../../components/StateView';

export interface RecommendationsProps {
  items: Recommendation[] | null;
  error?: string | null;
  canDispatch: boolean;
  busyId?: string | null;
  onDispatch: (c: Recommendation) => void;
  onOffer: (c: Recommendation) => void;
}

export function Recommendations({ items, error, canDispatch, busyId, onDispatch, onOffer }: RecommendationsProps) {
  if (error) return <Text className='muted small block'>推荐暂不可用：{error}</Text>;
  if (items === null) return <Loading text='正在推荐…' />;
  if (!items.length) return <Text className='muted small block'>附近暂时没有可推荐的人员</Text>;
  return (
    <View {...role('list', '推荐人员')} data-testid='recommendations'>
      {items.map((c, i) => {
        const staff = c.kind === 'staff';
        const who = `${staff ? (ROLE_NAMES[c.role] ?? '') : '群防群治'} ${c.name}`.trim();
        return (
          <View key={c.userId} className='row gap' style={{ padding: '8px 0', borderTop: i ? '1px solid #f2f3f5' : 'none' }} {...role('listitem')} data-testid='recommendation' data-kind={c.kind} data-user={c.userId}>
            <View className='grow'>
              <Text className='strong block'>{who}</Text>
              <Text className='small block' data-testid='recommendation-reason'>
                {c.reason}
              </Text>
            </View>
            {staff ? (
              canDispatch ? (
                <Button className='btn btn--small btn--ghost' style={INLINE_BUTTON} disabled={disabledIf(busyId === c.userId)} onClick={() => onDispatch(c)} aria-label={`派单给 ${who}`} data-testid='recommend-dispatch'>
                  派单
                </Button>
              ) : null
            ) : (
              <Button className='btn btn--small btn--primary' style={INLINE_BUTTON} disabled={disabledIf(busyId === c.userId)} onClick={() => onOffer(c)} aria-label={`请他协助：${who}`} data-testid='recommend-offer'>
                请他协助
              </Button>
            )}
          </View>
        );
      })}
    </View>
  );
}
