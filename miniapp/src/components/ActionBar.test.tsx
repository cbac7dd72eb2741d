import { describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { ActionBar, ACTION_LABELS, ACTION_NEEDS } from './ActionBar';
import { STAFF_ACTIONS, TRANSITIONS } from '../../../functions/src/domain/lifecycle';

const self = { id: 'u-gw-1', name: '王师傅' };
const button = (label: string) => screen.getByRole('button', { name: label });
const labels = () => screen.getAllByRole('button').map((b) => b.textContent);

describe('ActionBar', () => {
  it('shows exactly the actions the API allows, and nothing when there are none', () => {
    const { rerender, container } = render(<ActionBar actions={['reject', 'accept', 'transfer']} self={self} onSubmit={vi.fn()} />);
    expect(labels()).toEqual(['受理', '转交', '不予受理']);
    rerender(<ActionBar actions={['verify', 'rework', 'close']} self={self} onSubmit={vi.fn()} />);
    expect(labels()).toEqual(['核查通过', '结案', '返工']);
    rerender(<ActionBar actions={[]} self={self} onSubmit={vi.fn()} />);
    expect(container.textContent).toBe('');
  });

  it('ignores action codes it does not know rather than guessing', () => {
    render(<ActionBar actions={['accept', 'teleport']} self={self} onSubmit={vi.fn()} />);
    expect(labels()).toEqual(['受理']);
  });

  it('sends a simple action at once, once, however often it is tapped', async () => {
    let finish!: () => void;
    const onSubmit = vi.fn(() => new Promise<void>((r) => (finish = r)));
    render(<ActionBar actions={['accept']} self={self} onSubmit={onSubmit} />);
    fireEvent.click(button('受理'));
    fireEvent.click(button('受理'));
    expect(onSubmit).toHaveBeenCalledTimes(1);
    expect(onSubmit).toHaveBeenCalledWith({ action: 'accept' });
    await act(async () => finish());
  });

  it('asks for a reason before rejecting', async () => {
    const onSubmit = vi.fn(async () => undefined);
    render(<ActionBar actions={['accept', 'reject']} self={self} onSubmit={onSubmit} />);
    fireEvent.click(button('不予受理'));
    const confirm = button('确认不予受理') as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    fireEvent.click(screen.getByText('不属于安全隐患'));
    expect(confirm.disabled).toBe(false);
    await act(async () => fireEvent.click(confirm));
    expect(onSubmit).toHaveBeenCalledWith({ action: 'reject', reason: '不属于安全隐患' });
    expect(screen.queryByTestId('action-sheet')).toBeNull();
  });

  it('dispatches to self by default, or to a chosen colleague', async () => {
    const onSubmit = vi.fn(async () => undefined);
    render(<ActionBar actions={['dispatch']} self={self} candidates={[{ id: 'u-gw-2', name: '网格员 李师傅' }]} onSubmit={onSubmit} />);
    fireEvent.click(button('派单'));
    expect(screen.getByText('派给自己（王师傅）')).toBeTruthy();
    await act(async () => fireEvent.click(button('确认派单')));
    expect(onSubmit).toHaveBeenLastCalledWith({ action: 'dispatch', assigneeId: 'u-gw-1' });
    fireEvent.click(button('派单'));
    fireEvent.click(screen.getByText('网格员 李师傅'));
    await act(async () => fireEvent.click(button('确认派单')));
    expect(onSubmit).toHaveBeenLastCalledWith({ action: 'dispatch', assigneeId: 'u-gw-2' });
  });

  it('shows each person\'s role, duty and open tasks in the dispatch picker', () => {
    render(
      <ActionBar
        actions={['dispatch']}
        self={self}
        candidates={[
          { id: 'u-gw-2', name: '李师傅', roleName: '网格员', duty: 'on_duty', openTasks: 0 },
          { id: 'u-po-1', name: '刘洋', roleName: '社区民警', duty: 'on_leave', openTasks: 3 },
        ]}
        onSubmit={vi.fn()}
      />,
    );
    fireEvent.click(button('派单'));
    const options = screen.getAllByTestId('assignee-option').map((o) => o.textContent);
    expect(options).toEqual(['派给自己（王师傅）', '网格员 李师傅在岗手上没有未办结任务', '社区民警 刘洋请假手上 3 件未办结']);
  });

  it('resolves only with a note and an uploaded after-photo', async () => {
    const onSubmit = vi.fn(async () => undefined);
    const choosePhotos = vi.fn(async () => [{ path: 'blob:after', size: 1234, type: 'image/jpeg' }]);
    const uploadPhoto = vi.fn(async () => 'U-after');
    render(<ActionBar actions={['resolve', 'hand_back']} self={self} onSubmit={onSubmit} choosePhotos={choosePhotos} uploadPhoto={uploadPhoto} />);
    fireEvent.click(button('办结'));
    const confirm = button('确认办结') as HTMLButtonElement;
    fireEvent.change(screen.getByTestId('resolve-note'), { target: { value: '已清理楼道杂物' } });
    expect(confirm.disabled).toBe(true);
    await act(async () => fireEvent.click(screen.getByTestId('add-photo')));
    await waitFor(() => expect(screen.getByText('已上传')).toBeTruthy());
    expect(confirm.disabled).toBe(false);
    await act(async () => fireEvent.click(confirm));
    expect(onSubmit).toHaveBeenCalledWith({ action: 'resolve', note: '已清理楼道杂物', photos: ['U-after'] });
  });

  it('keeps the sheet and what was typed when the request fails', async () => {
    const onSubmit = vi.fn(async () => {
      throw new Error('409');
    });
    render(<ActionBar actions={['rework']} self={self} onSubmit={onSubmit} />);
    fireEvent.click(button('返工'));
    fireEvent.change(screen.getByTestId('action-reason'), { target: { value: '现场仍有隐患' } });
    await act(async () => fireEvent.click(button('确认返工')));
    expect(screen.getByTestId('action-sheet')).toBeTruthy();
    expect((screen.getByTestId('action-reason') as HTMLTextAreaElement).value).toBe('现场仍有隐患');
  });

  it('disables every button while a request is in flight', () => {
    render(<ActionBar actions={['start', 'hand_back']} self={self} busy onSubmit={vi.fn()} />);
    for (const b of screen.getAllByRole('button')) expect((b as HTMLButtonElement).disabled).toBe(true);
  });

  it('has a Chinese label for every staff action the API knows', () => {
    // the transition table's own list: a new staff action without a button label fails here
    expect(Object.keys(ACTION_LABELS).sort()).toEqual([...STAFF_ACTIONS].sort());
  });

  it('asks for exactly what the action\'s transition rows require, and sends the others at once', async () => {
    for (const a of STAFF_ACTIONS) {
      // the rows' own list, not a copy: what a command without these fields would be refused for
      const required = [...new Set(TRANSITIONS.filter((t) => t.action === a).flatMap((t) => t.requires))];
      expect([...ACTION_NEEDS[a]].sort(), a).toEqual(required.sort());
      const onSubmit = vi.fn(async () => undefined);
      const { unmount } = render(<ActionBar actions={[a]} self={self} onSubmit={onSubmit} />);
      await act(async () => fireEvent.click(button(ACTION_LABELS[a])));
      if (required.length === 0) {
        expect(onSubmit, a).toHaveBeenCalledWith({ action: a });
        expect(screen.queryByTestId('action-sheet'), a).toBeNull();
      } else {
        expect(onSubmit, a).not.toHaveBeenCalled();
        expect(screen.getByTestId('action-sheet'), a).toBeTruthy();
      }
      unmount();
    }
  });

  it('merges into a duplicate picked from the list, and only once one is picked', async () => {
    const onSubmit = vi.fn(async () => undefined);
    const loadDuplicates = vi.fn(async () => [
      { id: 'R-NEAR', status: 'accepted' as const, category: 'ebike_charging', createdAt: '2026-11-30T02:00:00Z', placeLabel: '粤海街道 科技园社区 深南大道附近', thumbUrl: null, sameBuilding: false, meters: 31.6 },
      { id: 'R-SAME', status: 'dispatched' as const, category: 'ebike_charging', createdAt: '2026-11-29T02:00:00Z', placeLabel: '粤海街道 科技园社区 深南花园 3栋', thumbUrl: 'https://example.test/t.jpg', sameBuilding: true, meters: 120 },
    ]);
    render(<ActionBar actions={['merge']} self={self} onSubmit={onSubmit} loadDuplicates={loadDuplicates} />);
    fireEvent.click(button('合并'));
    const confirm = button('确认合并') as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    const options = await screen.findAllByTestId('merge-option');
    expect(loadDuplicates).toHaveBeenCalledTimes(1);
    expect(options.map((o) => o.textContent)).toEqual([expect.stringContaining('相距约 32 米'), expect.stringContaining('同一栋楼')]);
    expect(options[1]!.textContent).toContain('粤海街道 科技园社区 深南花园 3栋');
    expect(screen.getByText('请选择要合并到的上报')).toBeTruthy();
    fireEvent.click(options[1]!);
    expect(confirm.disabled).toBe(false);
    await act(async () => fireEvent.click(confirm));
    expect(onSubmit).toHaveBeenCalledWith({ action: 'merge', mergeInto: 'R-SAME' });
  });

  it('says so when there is nothing to merge into, and offers a retry when the list fails', async () => {
    const { unmount } = render(<ActionBar actions={['merge']} self={self} onSubmit={vi.fn()} loadDuplicates={async () => []} />);
    fireEvent.click(button('合并'));
    expect((await screen.findByTestId('merge-empty')).textContent).toContain('没有可合并');
    unmount();
    const load = vi.fn().mockRejectedValueOnce(new Error('x')).mockResolvedValueOnce([]);
    render(<ActionBar actions={['merge']} self={self} onSubmit={vi.fn()} loadDuplicates={load} />);
    fireEvent.click(button('合并'));
    fireEvent.click(await screen.findByText('重试'));
    await screen.findByTestId('merge-empty');
    expect(load).toHaveBeenCalledTimes(2);
  });
});
