import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { ReportForm, missingFor, PHOTO_WHY, type DraftFields, type ReportFormProps } from './ReportForm';
import { fixedPlace } from './place/testing';
import type { PhotoState } from '../lib/photos';
import type { Category, NearbyReport } from '../lib/types';

const cat = (code: string, name: string, emergency = false): Category => ({
  code,
  name,
  lead: 'grid',
  acceptHours: 2,
  resolveHours: 24,
  emergency,
  emergencyCall: emergency ? ['119', '110'] : [],
  emergencyNotice: emergency ? '如有明火、燃气泄漏等紧急危险，请立即拨打 119（火警）或 110（报警），再在此上报。' : null,
});
const CATEGORIES = [cat('ebike_charging', '电动车违规充电（入户、楼道、飞线充电）'), cat('gas_hazard', '燃气隐患', true), cat('open_fire', '违规用火', true), cat('other', '其他安全隐患')];
const PLACE = fixedPlace();

function Harness(props: Partial<ReportFormProps> & { initial?: Partial<DraftFields> }) {
  const [draft, setDraft] = useState<DraftFields>({ category: null, description: '', address: '', anonymous: false, ...props.initial });
  return (
    <ReportForm
      categories={CATEGORIES}
      draft={draft}
      onChange={(p) => setDraft((d) => ({ ...d, ...p }))}
      photos={[]}
      onAddPhoto={() => undefined}
      onRemovePhoto={() => undefined}
      place={PLACE}
      nearby={[]}
      onJoin={() => undefined}
      onCall={() => undefined}
      onSubmit={() => undefined}
      {...props}
    />
  );
}

describe('ReportForm', () => {
  it('shows every category with a short Chinese name and the full name once chosen', () => {
    render(<Harness />);
    expect(screen.getByText('电动车充电')).toBeTruthy();
    expect(screen.getByText('燃气隐患')).toBeTruthy();
    fireEvent.click(screen.getByTestId('category-ebike_charging'));
    expect(screen.getByText('已选：电动车违规充电（入户、楼道、飞线充电）')).toBeTruthy();
  });

  it('for gas and fire puts the 119 / 110 notice first, and the form only after it is acknowledged', () => {
    const onCall = vi.fn();
    render(<Harness onCall={onCall} />);
    fireEvent.click(screen.getByTestId('category-gas_hazard'));
    expect(screen.getByText('如有危险请立即拨打 119 / 110')).toBeTruthy();
    expect(screen.queryByTestId('submit')).toBeNull();
    fireEvent.click(screen.getByText('拨打 119'));
    expect(onCall).toHaveBeenCalledWith('119');
    fireEvent.click(screen.getByText('没有紧急危险，继续上报'));
    expect(screen.queryByTestId('emergency-notice')).toBeNull();
    expect(screen.getByTestId('submit')).toBeTruthy();
    // an ordinary category never shows it
    fireEvent.click(screen.getByTestId('category-other'));
    expect(screen.queryByTestId('emergency-notice')).toBeNull();
    // switching to the other emergency category asks again
    fireEvent.click(screen.getByTestId('category-open_fire'));
    expect(screen.getByTestId('emergency-notice')).toBeTruthy();
  });

  it("asks a category's safety question first: the danger answer stops the report with the numbers to call, the other sends the answer", () => {
    const onCall = vi.fn();
    const onChange = vi.fn();
    const withQuestion = [{ ...cat('gas_hazard', '燃气隐患', true), safetyQuestion: { question: '现在是否闻到明显的燃气味？', stopWhen: 'yes' as const, notice: '请勿开关电器，离开后拨打 119。' } }, cat('other', '其他安全隐患')];
    function Asked() {
      const [draft, setDraft] = useState<DraftFields>({ category: null, description: '', address: '', anonymous: false });
      return <Harness categories={withQuestion} draft={draft} onCall={onCall} onChange={(p) => (onChange(p), setDraft((d) => ({ ...d, ...p })))} />;
    }
    render(<Asked />);
    fireEvent.click(screen.getByTestId('category-gas_hazard'));
    expect(screen.getByText('现在是否闻到明显的燃气味？')).toBeTruthy();
    expect(screen.queryByTestId('submit')).toBeNull();
    fireEvent.click(screen.getByTestId('safety-yes'));
    expect(screen.getByTestId('safety-stop').textContent).toBe('请勿开关电器，离开后拨打 119。');
    expect(screen.queryByTestId('submit')).toBeNull();
    fireEvent.click(screen.getByText('拨打 119'));
    expect(onCall).toHaveBeenCalledWith('119');
    expect(onChange).not.toHaveBeenCalledWith({ safetyAnswer: 'yes' });
    fireEvent.click(screen.getByText('重新回答'));
    fireEvent.click(screen.getByTestId('safety-no'));
    expect(onChange).toHaveBeenLastCalledWith({ safetyAnswer: 'no' });
    expect(screen.getByTestId('submit')).toBeTruthy();
    // another category forgets the answer
    fireEvent.click(screen.getByTestId('category-other'));
    expect(onChange).toHaveBeenLastCalledWith({ category: 'other', safetyAnswer: undefined });
  });

  it('says what is missing and keeps the button disabled until the report can go', () => {
    render(<Harness />);
    const submit = screen.getByTestId('submit') as HTMLButtonElement;
    expect(submit.disabled).toBe(true);
    expect(screen.getByText('请选择问题类型')).toBeTruthy();
    fireEvent.click(screen.getByTestId('category-ebike_charging'));
    expect(screen.getByText('请简单描述问题')).toBeTruthy();
    fireEvent.change(screen.getByTestId('description'), { target: { value: '楼道里有电动车在充电' } });
    expect(submit.disabled).toBe(false);
  });

  it('shows the place by its label, how sure the phone was, and the grid that will handle it', () => {
    render(<Harness />);
    expect(screen.getByTestId('place-label').textContent).toBe('粤海街道 科技园社区 深南花园 3栋');
    expect(screen.getByTestId('place-accuracy').textContent).toBe('定位精度约 12 米');
    expect(screen.getByTestId('routed-grid').textContent).toContain('科技园社区 · 科技园第1网格');
    expect(screen.getByTestId('place').textContent).not.toMatch(/\d+\.\d{4}|我的位置/);
  });

  it('without a confirmed place the button is off and says so, whatever else is filled in', () => {
    const initial = { category: 'other', description: '消防栓被杂物挡住' };
    const { unmount } = render(<Harness place={fixedPlace({ step: 'none', message: '没有定位权限。请搜索楼栋，或在地图上点选位置' })} initial={initial} />);
    let submit = screen.getByTestId('submit') as HTMLButtonElement;
    expect(submit.disabled).toBe(true);
    expect(submit.textContent).toBe('请先确认位置');
    // with no place the building picker is already open
    expect(screen.getByTestId('building-picker')).toBeTruthy();
    unmount();
    render(<Harness place={fixedPlace({ step: 'locating' })} initial={initial} />);
    submit = screen.getByTestId('submit') as HTMLButtonElement;
    expect(submit.disabled).toBe(true);
    expect(submit.textContent).toBe('正在获取您的位置…');
  });

  it('sends once however often the button is tapped while sending', async () => {
    let finish!: () => void;
    const onSubmit = vi.fn(() => new Promise<void>((r) => (finish = r)));
    const ready = [{ local: { path: 'blob:1', size: 10, type: 'image/jpeg' }, state: 'ready', uploadId: 'U1' }] as PhotoState[];
    render(<Harness onSubmit={onSubmit} photos={ready} initial={{ category: 'other', description: '消防栓被杂物挡住' }} />);
    const submit = screen.getByTestId('submit');
    fireEvent.click(submit);
    fireEvent.click(submit);
    fireEvent.click(submit);
    expect(onSubmit).toHaveBeenCalledTimes(1);
    finish();
    await Promise.resolve();
  });

  it('waits for photos still uploading and names failed ones', () => {
    const local = { path: 'blob:1', size: 10, type: 'image/jpeg' };
    const draft = { category: 'other', description: 'x', address: '', anonymous: false };
    expect(missingFor(draft, [{ local, state: 'uploading', progress: 10 }] as PhotoState[], null)).toEqual(['照片上传中…']);
    expect(missingFor(draft, [{ local, state: 'failed', message: 'x' }] as PhotoState[], null)[0]).toContain('上传失败');
    expect(missingFor(draft, [{ local, state: 'ready', uploadId: 'U1' }] as PhotoState[], null)).toEqual([]);
    expect(missingFor(draft, [], '请先确认位置')).toEqual(['请先确认位置']);
  });

  it('offers open reports of the same kind nearby to join instead ("我也遇到")', () => {
    const onJoin = vi.fn();
    // someone else's report comes without its text (the API leaves description and address out)
    const near: NearbyReport = { id: 'R1', status: 'accepted', statusName: '已受理', category: 'ebike_charging', categoryName: '电动车违规充电', createdAt: '2026-11-30T02:00:00Z', followerCount: 0, overdue: false, distanceMeters: 12 };
    render(<Harness nearby={[near]} onJoin={onJoin} initial={{ category: 'ebike_charging' }} />);
    expect(screen.getByText('附近已有人上报了同类问题')).toBeTruthy();
    expect(screen.getByText('约 12 米')).toBeTruthy();
    expect(screen.getByText(/^11月30日 10:00上报$/)).toBeTruthy();
    fireEvent.click(screen.getByText('我也遇到'));
    expect(onJoin).toHaveBeenCalledWith('R1');
  });

  it('offers an open report in the same building with its photo, place and time', () => {
    const near: NearbyReport = {
      id: 'R2',
      status: 'dispatched',
      statusName: '已派单',
      category: 'ebike_charging',
      categoryName: '电动车违规充电',
      createdAt: '2026-11-30T02:00:00Z',
      followerCount: 2,
      overdue: false,
      distanceMeters: 80,
      sameBuilding: true,
      thumbUrl: 'https://example.test/t.jpg',
      placeLabel: '粤海街道 科技园社区 深南花园 3栋',
    };
    render(<Harness nearby={[near]} initial={{ category: 'ebike_charging' }} />);
    expect(screen.getByText('这栋楼或附近已有人上报了同类问题')).toBeTruthy();
    expect(screen.getByText('同一栋楼')).toBeTruthy();
    expect(screen.getByTestId('nearby-thumb').getAttribute('src')).toBe('https://example.test/t.jpg');
    expect(screen.getByText('粤海街道 科技园社区 深南花园 3栋 · 11月30日 10:00上报 · 2 人也遇到')).toBeTruthy();
    expect(screen.getByText('我也遇到').getAttribute('aria-label')).toContain('同一栋楼');
  });

  it('shows the API error message as given, in a dialog over the screen and in words above the button', () => {
    const { rerender } = render(<Harness error='隐私政策版本不符（内容已保存，可直接重新提交）' initial={{ category: 'other' }} />);
    const dialog = screen.getByRole('alertdialog', { name: '提交失败' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(dialog.textContent).toContain('隐私政策版本不符');
    // the words stay inside the fixed footer, next to the button (never hidden under it)
    expect(screen.getByTestId('submit-error').closest('.footer-bar')).toBeTruthy();
    expect(screen.getByTestId('submit-error').textContent).toContain('隐私政策版本不符');
    fireEvent.click(screen.getByText('知道了'));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(screen.getByTestId('submit-error')).toBeTruthy();
    // the same failure again (a retry that fails too) opens the dialog again
    rerender(<Harness error={null} initial={{ category: 'other' }} />);
    rerender(<Harness error='隐私政策版本不符（内容已保存，可直接重新提交）' initial={{ category: 'other' }} />);
    expect(screen.getByRole('alertdialog', { name: '提交失败' })).toBeTruthy();
  });

  it('the first tap on 提交上报 without a photo asks first (有照片处理更快), once; a report with photos goes at once', () => {
    const onSubmit = vi.fn();
    const onAddPhoto = vi.fn();
    const { unmount } = render(<Harness onSubmit={onSubmit} onAddPhoto={onAddPhoto} initial={{ category: 'other', description: '消防栓被杂物挡住' }} />);
    // the form says why photos help before anyone taps
    expect(screen.getByTestId('photo-why').textContent).toBe(PHOTO_WHY);
    fireEvent.click(screen.getByTestId('submit'));
    expect(onSubmit).not.toHaveBeenCalled();
    const nudge = screen.getByRole('dialog', { name: '有照片处理更快' });
    expect(nudge.textContent).toContain('网格员能先看清现场');
    // 添加照片 opens the camera and does not send
    fireEvent.click(screen.getByText('添加照片'));
    expect(onAddPhoto).toHaveBeenCalledTimes(1);
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.queryByRole('dialog')).toBeNull();
    // asked once: the next tap sends
    fireEvent.click(screen.getByTestId('submit'));
    expect(onSubmit).toHaveBeenCalledTimes(1);
    unmount();

    const send = vi.fn();
    render(<Harness onSubmit={send} initial={{ category: 'other', description: '消防栓被杂物挡住' }} />);
    fireEvent.click(screen.getByTestId('submit'));
    fireEvent.click(screen.getByText('不加照片，直接提交'));
    expect(send).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('names every control for a screen reader: the category tiles as radios, the description, the address, the anonymous switch', () => {
    render(<Harness initial={{ category: 'ebike_charging' }} />);
    const group = screen.getByRole('radiogroup', { name: '问题类型' });
    expect(within(group).getAllByRole('radio')).toHaveLength(4);
    for (const name of ['电动车充电', '燃气隐患', '违规用火', '其他隐患']) expect(within(group).getByRole('radio', { name })).toBeTruthy();
    expect(screen.getByRole('radio', { name: '电动车充电' }).getAttribute('aria-checked')).toBe('true');
    expect(screen.getByRole('radio', { name: '其他隐患' }).getAttribute('aria-checked')).toBe('false');
    // the category's disc is decoration: the tile's name is its words alone
    expect(group.querySelector('.cat__icon')!.getAttribute('aria-hidden')).toBe('true');
    expect(screen.getByLabelText('简单描述（必填）').tagName).toBe('TEXTAREA');
    expect(screen.getByLabelText('位置补充（选填）').tagName).toBe('INPUT');
    expect(screen.getByRole('switch', { name: '匿名上报' })).toBeTruthy();
    expect(screen.getByRole('button', { name: '拍照/相册 添加照片' })).toBeTruthy();
    // buttons whose label adds to their words still start with the words (WCAG 2.5.3)
    expect(screen.getByRole('button', { name: /^重新定位/ })).toBeTruthy();
    expect(screen.getByRole('button', { name: /^搜索楼栋/ }).getAttribute('aria-expanded')).toBe('false');
  });

  it('switches to anonymous', () => {
    const onChange = vi.fn();
    render(<ReportForm categories={CATEGORIES} draft={{ category: 'other', description: '', address: '', anonymous: false }} onChange={onChange} photos={[]} onAddPhoto={vi.fn()} onRemovePhoto={vi.fn()} place={PLACE} nearby={[]} onJoin={vi.fn()} onCall={vi.fn()} onSubmit={vi.fn()} />);
    fireEvent.click(screen.getByTestId('anonymous'));
    expect(onChange).toHaveBeenCalledWith({ anonymous: true });
  });
});
