import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/react';
import { PhotoPicker, PhotoStrip } from './Photos';
import type { PhotoState } from '../lib/photos';

const local = (n: number) => ({ path: `blob:${n}`, size: 10, type: 'image/jpeg' });

describe('photos for a screen reader', () => {
  it('the picker names each photo, its delete and retry buttons, and the add tile', () => {
    const onRemove = vi.fn();
    const onRetry = vi.fn();
    const onAdd = vi.fn();
    const value = [
      { local: local(1), state: 'ready', uploadId: 'U1' },
      { local: local(2), state: 'failed', message: '网络连接失败' },
    ] as PhotoState[];
    render(<PhotoPicker value={value} max={9} onAdd={onAdd} onRemove={onRemove} onRetry={onRetry} />);
    expect(screen.getByAltText('照片 1')).toBeTruthy();
    expect(screen.getByAltText('照片 2')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '删除照片 2' }));
    expect(onRemove).toHaveBeenCalledWith(1);
    fireEvent.click(screen.getByRole('button', { name: '照片 2 上传失败，点此重试' }));
    expect(onRetry).toHaveBeenCalledWith(1);
    fireEvent.click(screen.getByRole('button', { name: '添加照片 2/9' }));
    expect(onAdd).toHaveBeenCalled();
  });

  it('thumbnails of a report have a text alternative and open the gallery', () => {
    const onPreview = vi.fn();
    const photos = [1, 2].map((n) => ({ id: `P${n}`, kind: 'report' as const, url: `https://x.test/${n}.jpg`, thumbUrl: `https://x.test/${n}-t.jpg`, expiresAt: '2026-12-01T00:00:00Z' }));
    render(<PhotoStrip photos={photos} onPreview={onPreview} />);
    expect(screen.getByAltText('现场照片第 2 张').getAttribute('src')).toBe('https://x.test/2-t.jpg');
    fireEvent.click(screen.getByRole('button', { name: '查看现场照片第 2 张，共 2 张' }));
    expect(onPreview).toHaveBeenCalledWith(['https://x.test/1.jpg', 'https://x.test/2.jpg'], 1);
  });
});
