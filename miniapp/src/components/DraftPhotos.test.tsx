import { describe, expect, it } from 'vitest';
import { act, render, screen } from '@testing-library/react';
import { ReportForm } from './ReportForm';
import { usePhotos } from '../lib/usePhotos';
import { ApiError } from '../lib/api';
import { droppedPhotosMessage, fromDraftPhotos, invalidUploadOf, type DraftPhoto } from '../lib/photos';
import { fixedPlace } from './place/testing';

const PLACE = fixedPlace();
const SAVED: DraftPhoto[] = [
  { uploadId: 'U1', preview: 'data:image/jpeg;base64,AAAA' },
  { uploadId: 'U2', preview: '' },
];

let api: ReturnType<typeof usePhotos> | null = null;
function Reopened({ saved }: { saved: DraftPhoto[] }) {
  const photos = usePhotos({ choosePhotos: async () => [], uploadPhoto: async () => 'X' }, 9, () => fromDraftPhotos(saved));
  api = photos;
  return (
    <ReportForm
      categories={[{ code: 'other', name: '其他安全隐患', lead: 'grid', acceptHours: 2, resolveHours: 24, emergency: false, emergencyCall: [], emergencyNotice: null }]}
      draft={{ category: 'other', description: '楼道堆物', address: '', anonymous: false }}
      onChange={() => undefined}
      photos={photos.items}
      onAddPhoto={() => undefined}
      onRemovePhoto={photos.remove}
      place={PLACE}
      nearby={[]}
      onJoin={() => undefined}
      onCall={() => undefined}
      onSubmit={() => undefined}
    />
  );
}

describe('the report draft keeps its photos', () => {
  it('shows the saved photos as uploaded when the form is reopened, ready to send', () => {
    const { container } = render(<Reopened saved={SAVED} />);
    const imgs = [...container.querySelectorAll('[data-testid="photo-picker"] img')];
    expect(imgs.map((i) => i.getAttribute('src'))).toEqual(['data:image/jpeg;base64,AAAA', 'upload:U2']);
    expect(screen.getAllByText('已上传')).toHaveLength(2);
    expect(screen.getByText('2/9')).toBeTruthy();
    expect(api!.readyIds).toEqual(['U1', 'U2']);
    expect((screen.getByTestId('submit') as HTMLButtonElement).disabled).toBe(false);
  });

  it('drops an upload the API no longer accepts, keeping the others', () => {
    render(<Reopened saved={SAVED} />);
    const err = new ApiError(400, 'invalid_upload', '照片 U1 上传已过期，请重新上传', { uploadId: 'U1', reason: 'expired' });
    const bad = invalidUploadOf(err);
    expect(bad).toBe('U1');
    act(() => api!.dropUploads([bad!]));
    expect(api!.readyIds).toEqual(['U2']);
    expect(screen.getAllByText('已上传')).toHaveLength(1);
    expect(droppedPhotosMessage(1)).toContain('1 张照片已过期或无法使用');
  });

  it('treats only invalid_upload naming an upload as a droppable photo', () => {
    expect(invalidUploadOf(new ApiError(400, 'invalid_input', 'x', { uploadId: 'U1' }))).toBeNull();
    expect(invalidUploadOf(new ApiError(400, 'invalid_upload', 'x'))).toBeNull();
    expect(invalidUploadOf(new Error('x'))).toBeNull();
    expect(fromDraftPhotos(null)).toEqual([]);
  });
});
