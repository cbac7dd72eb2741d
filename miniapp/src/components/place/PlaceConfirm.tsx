/**
 * "是在 深南花园 3栋 吗？" — asked when the server says the point is within 30 m of another grid,
 * or the phone's fix is worse than 50 m, so the report is not filed in the wrong grid on a guess.
 * The nearby buildings are the choices; "都不是" leads to the building search and the map.
 */
import { View, Text, Button } from '@tarojs/components';
import { role } from '../../lib/a11y';
import type { Building, Located } from '../../lib/types';

export interface PlaceConfirmProps {
  located: Located;
  accuracy: number | null;
  /** the point came from the map (the person placed it): "就是这里" is offered too */
  fromMap: boolean;
  onChoose: (b: Building) => void;
  onNone: () => void;
  onAcceptPoint: () => void;
}

/** "深南花园 3栋": the register's name already says the estate; an older one may give "3栋" alone. */
export const buildingName = (b: Pick<Building, 'estate' | 'name'>) => (!b.estate || b.name.startsWith(b.estate) ? b.name : `${b.estate} ${b.name}`);

/** "3栋" inside its estate's list (the estate is the list's heading). */
export const numberInEstate = (b: Pick<Building, 'estate' | 'name'>) => (b.estate && b.name.startsWith(b.estate) ? b.name.slice(b.estate.length).trim() || b.name : b.name);

export function PlaceConfirm({ located, accuracy, fromMap, onChoose, onNone, onAcceptPoint }: PlaceConfirmProps) {
  const confirm = located.confirm;
  if (!confirm) return null;
  const [first, ...others] = confirm.candidates;
  const why =
    confirm.reason === 'accuracy'
      ? `定位精度约 ${accuracy ? Math.round(accuracy) : '—'} 米，不够准确`
      : `这里靠近${located.grid?.name ?? ''}${located.boundary ? `与${located.boundary.grid.name}` : '与相邻网格'}的交界`;
  return (
    <View className='notice notice--warn mt8' data-testid='place-confirm' {...role('group', '确认位置')}>
      <Text className='strong block' aria-live='assertive' data-testid='place-question'>
        {first ? `是在 ${buildingName(first)} 吗？` : '请确认问题所在的楼栋'}
      </Text>
      <Text className='small block'>{why}，请确认所在楼栋，以便交给负责的网格员。</Text>
      <View {...role('list', '附近的楼栋')}>
        {first ? (
          <View {...role('listitem')}>
            <Button className='btn btn--primary btn--block mt8' {...role('button', `是，在 ${first.label}`)} onClick={() => onChoose(first)} data-testid='candidate'>
              是，在 {buildingName(first)}
            </Button>
          </View>
        ) : null}
        {others.map((b) => (
          <View key={b.id} {...role('listitem')}>
            <Button className='btn btn--block mt8' {...role('button', `在 ${b.label}`)} onClick={() => onChoose(b)} data-testid='candidate'>
              在 {buildingName(b)}
            </Button>
          </View>
        ))}
      </View>
      {fromMap ? (
        <Button className='btn btn--ghost btn--block mt8' {...role('button')} onClick={onAcceptPoint} data-testid='accept-point'>
          就是地图上选的位置
        </Button>
      ) : null}
      <Button className='btn btn--ghost btn--block mt8' {...role('button')} onClick={onNone} data-testid='candidate-none'>
        都不是，搜索楼栋或在地图上选
      </Button>
    </View>
  );
}
