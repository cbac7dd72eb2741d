/** Photo thumbnails (tap to see the full photo) and the picker used by the report and resolve forms. */
import { View, Image, Text } from '@tarojs/components';
import type { Photo } from '../lib/types';
import type { PhotoState } from '../lib/photos';

/** Shows server photos by their thumbnail; tapping one opens the full-size gallery. */
export function PhotoStrip({ photos, onPreview }: { photos: Photo[]; onPreview: (urls: string[], index: number) => void }) {
  if (!photos.length) return null;
  const urls = photos.map((p) => p.url);
  return (
    <View className='photos'>
      {photos.map((p, i) => (
        <View key={p.id} className='photo' onClick={() => onPreview(urls, i)} data-testid='photo-thumb'>
          <Image className='photo__img' src={p.thumbUrl} mode='aspectFill' />
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
          <Image className='photo__img' src={p.local.path} mode='aspectFill' />
          {p.state === 'uploading' ? <Text className='photo__mask'>上传中 {p.progress ? `${p.progress}%` : ''}</Text> : null}
          {p.state === 'ready' ? <Text className='photo__mask'>已上传</Text> : null}
          {p.state === 'failed' ? (
            <Text className='photo__mask photo__mask--bad' onClick={() => onRetry?.(i)}>
              失败，点此重试
            </Text>
          ) : null}
          {!disabled ? (
            <Text className='photo__del' onClick={() => onRemove(i)} aria-label='删除照片'>
              ×
            </Text>
          ) : null}
        </View>
      ))}
      {value.length < max && !disabled ? (
        <View className='photo photo--add' onClick={onAdd} data-testid='add-photo'>
          <Text className='plus'>+</Text>
          <Text>{value.length ? `${value.length}/${max}` : '拍照/相册'}</Text>
        </View>
      ) : null}
    </View>
  );
}
