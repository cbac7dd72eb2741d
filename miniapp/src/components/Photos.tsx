/** Photo thumbnails (tap to see the full photo) and the picker used by the report and resolve forms. */
import { View, Image, Text } from '@tarojs/components';
import type { Photo } from '../lib/types';
import type { PhotoState } from '../lib/photos';
import { decorative, imageAlt, role } from '../lib/a11y';

/** Shows server photos by their thumbnail; tapping one opens the full-size gallery. */
export function PhotoStrip({ photos, onPreview, label = '现场照片' }: { photos: Photo[]; onPreview: (urls: string[], index: number) => void; label?: string }) {
  if (!photos.length) return null;
  const urls = photos.map((p) => p.url);
  return (
    <View className='photos'>
      {photos.map((p, i) => (
        <View key={p.id} className='photo' {...role('button', `查看${label}第 ${i + 1} 张，共 ${photos.length} 张`)} onClick={() => onPreview(urls, i)} data-testid='photo-thumb'>
          <Image className='photo__img' src={p.thumbUrl} mode='aspectFill' {...imageAlt(`${label}第 ${i + 1} 张`)} />
        </View>
      ))}
    </View>
  );
}

export interface PhotoPickerProps {
  value: PhotoState[];
  max: number;
  onAdd: () => void;
  onRemove: (index: number) => void;
  onRetry?: (index: number) => void;
  /** default false */
  disabled?: boolean;
}

/** Local photos with their upload state; the last tile adds more (camera or album). */
export function PhotoPicker({ value, max, onAdd, onRemove, onRetry, disabled = false }: PhotoPickerProps) {
  return (
    <View className='photos' data-testid='photo-picker'>
      {value.map((p, i) => (
        <View key={p.local.path} className='photo'>
          <Image className='photo__img' src={p.local.path} mode='aspectFill' {...imageAlt(`照片 ${i + 1}`)} />
          {p.state === 'uploading' ? <Text className='photo__mask'>上传中 {p.progress ? `${p.progress}%` : ''}</Text> : null}
          {p.state === 'ready' ? <Text className='photo__mask'>已上传</Text> : null}
          {p.state === 'failed' ? (
            <Text className='photo__mask photo__mask--bad' {...role('button', `照片 ${i + 1} 上传失败，点此重试`)} onClick={() => onRetry?.(i)}>
              失败，点此重试
            </Text>
          ) : null}
          {!disabled ? (
            <View className='photo__del' {...role('button', `删除照片 ${i + 1}`)} onClick={() => onRemove(i)}>
              <Text className='photo__del-x'>×</Text>
            </View>
          ) : null}
        </View>
      ))}
      {value.length < max && !disabled ? (
        <View className='photo photo--add' {...role('button', value.length ? `添加照片 ${value.length}/${max}` : '拍照/相册 添加照片')} onClick={onAdd} data-testid='add-photo'>
          <Text className='plus' {...decorative}>
            +
          </Text>
          <Text>{value.length ? `${value.length}/${max}` : '拍照/相册'}</Text>
        </View>
      ) : null}
    </View>
  );
}
