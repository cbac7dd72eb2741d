/**
 * The report's story in plain Chinese, newest first: what happened (the API's `actionName`),
 * who did it (role and display name, never a phone number), when, and why.
 */
import { View, Text, Image } from '@tarojs/components';
import { formatTime, personName } from '../lib/format';
import type { Photo, TimelineEntry } from '../lib/types';
import { imageAlt, role } from '../lib/a11y';

export interface TimelineProps {
  entries: TimelineEntry[];
  /** the report's photos, to show the ones an entry added (after-photos on 办结) */
  photos?: Photo[];
  onPreview?: (urls: string[], index: number) => void;
  /** reference time for "this year" formatting; default now */
  now?: Date;
}

export function Timeline({ entries, photos = [], onPreview, now }: TimelineProps) {
  if (!entries.length) return <Text className='muted'>暂无进展</Text>;
  const ordered = [...entries].reverse();
  return (
    <View className='tl' data-testid='timeline'>
      {ordered.map((e, i) => {
        // the after-photos a step added (the report's own photos are shown with its description)
        const own = photos.filter((p) => p.kind === 'after' && e.photoIds.includes(p.id));
        return (
          <View key={`${e.at}-${i}`} className={`tl__item${i === 0 ? ' tl__item--latest' : ''}`} data-testid='timeline-item'>
            <View className='tl__dot' />
            <View className='row--between'>
              <Text className='tl__title'>{e.actionName}</Text>
              <Text className='tl__meta'>{formatTime(e.at, now)}</Text>
            </View>
            <Text className='tl__meta block'>{personName(e.actor)}</Text>
            {e.note ? <Text className='tl__note'>{e.note}</Text> : null}
            {own.length ? (
              <View className='photos mt8'>
                {own.map((p, j) => (
                  <View key={p.id} className='photo' {...role('button', `查看${e.actionName}照片第 ${j + 1} 张`)} onClick={() => onPreview?.(own.map((x) => x.url), j)}>
                    <Image className='photo__img' src={p.thumbUrl} mode='aspectFill' {...imageAlt(`${e.actionName}照片第 ${j + 1} 张`)} />
                  </View>
                ))}
              </View>
            ) : null}
          </View>
        );
      })}
    </View>
  );
}
