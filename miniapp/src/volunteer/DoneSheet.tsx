/**
 * 协助完成: a few words on what was done and, if wanted, one photo (uploaded at once like a
 * report's, sent as its upload id). Props: `need` (the offer's), `busy`, `onSubmit({note, photoId})`,
 * `onCancel`, `photoDeps` (tests).
 */
import { useState } from 'react';
import { View, Text, Button, Textarea } from '@tarojs/components';
import { PhotoPicker } from '../components/Photos';
import { usePhotos, type PhotoDeps } from '../lib/usePhotos';
import { disabledIf } from '../lib/dom';
import { fieldLabel, role } from '../lib/a11y';

export interface DoneSheetProps {
  need: string;
  busy?: boolean;
  onSubmit: (body: { note?: string; photoId?: string }) => void;
  onCancel: () => void;
  photoDeps?: PhotoDeps;
}

export function DoneSheet({ need, busy = false, onSubmit, onCancel, photoDeps }: DoneSheetProps) {
  const [note, setNote] = useState('');
  const photos = usePhotos(photoDeps, 1);
  const waiting = photos.uploading;
  const send = () => {
    const photoId = photos.readyIds[0];
    onSubmit({ ...(note.trim() ? { note: note.trim() } : {}), ...(photoId ? { photoId } : {}) });
  };
  return (
    <View className='sheet-mask'>
      <View className='sheet' {...role('dialog', '协助完成')} aria-modal='true' data-testid='done-sheet'>
        <Text className='sheet__title'>协助完成</Text>
        <Text className='muted small block'>{need}</Text>
        <Text className='field__label mt12'>做了什么（选填）</Text>
        <Textarea
          className='textarea'
          value={note}
          maxlength={200}
          placeholder='例如：已协助疏散，灭火器已到位'
          {...fieldLabel('做了什么（选填）')}
          onInput={(e) => setNote(e.detail.value)}
          data-testid='done-note'
        />
        <Text className='field__label mt12'>现场照片（选填，1 张）</Text>
        <PhotoPicker value={photos.items} max={1} onAdd={() => void photos.add()} onRemove={photos.remove} onRetry={photos.retry} disabled={busy} />
        {photos.failed ? <Text className='danger-text small block mt8'>照片没有上传成功：点照片重试，或删除后直接提交。</Text> : null}
        <View className='row gap mt16'>
          <Button className='btn grow' onClick={onCancel} data-testid='done-cancel'>
            取消
          </Button>
          <Button className='btn btn--primary grow' disabled={disabledIf(busy || waiting)} onClick={send} data-testid='done-submit'>
            {busy ? '正在提交…' : waiting ? '照片上传中…' : '提交'}
          </Button>
        </View>
      </View>
    </View>
  );
}
