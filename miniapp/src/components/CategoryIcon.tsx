import { View } from '@tarojs/components';
import { decorative } from '../lib/a11y';

/**
 * One character on a coloured disc per category: reads at a glance, needs no image assets and
 * no emoji font (many Android browsers and headless Linux have none). Decorative for screen
 * readers (the category's name is always written next to it); white on each colour is at least
 * 3:1, as large bold text needs (WCAG 1.4.3).
 */
const ICONS: Record<string, { char: string; color: string; short: string }> = {
  ebike_charging: { char: '电', color: '#ad4e00', short: '电动车充电' },
  fire_exit_blocked: { char: '堵', color: '#d4380d', short: '通道堵塞' },
  fire_equipment: { char: '器', color: '#cf1322', short: '消防器材' },
  unsafe_wiring: { char: '线', color: '#ad6800', short: '私拉电线' },
  open_fire: { char: '火', color: '#f5222d', short: '违规用火' },
  gas_hazard: { char: '气', color: '#722ed1', short: '燃气隐患' },
  public_security: { char: '安', color: '#1f6feb', short: '治安隐患' },
  dispute: { char: '纠', color: '#0e7c7b', short: '矛盾纠纷' },
  other: { char: '他', color: '#6b7785', short: '其他隐患' },
};

export const categoryShortName = (code: string, fallback: string) => ICONS[code]?.short ?? fallback;

export function CategoryIcon({ code, size = 40 }: { code: string; size?: number }) {
  const i = ICONS[code] ?? { char: '险', color: '#6b7785' };
  return (
    <View className='cat__icon' {...decorative} style={{ background: i.color, ...(size !== 40 ? { width: `${size}px`, height: `${size}px`, lineHeight: `${size}px`, borderRadius: `${size / 2}px` } : {}) }}>
      {i.char}
    </View>
  );
}
