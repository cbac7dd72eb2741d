import { describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { ActionBar, ACTION_LABELS, ACTION_NEEDS } from './ActionBar';
import { STAFF_ACTIONS, TRANSITIONS } from '../../../functions/src/domain/lifecycle';

const self = { id: 'u-gw-1', name: '王师傅' };
const button = (label: string) => screen.getByRole('button', { name: label });
const labels = () => screen.getAllByRole('button').map((b) => b.textContent);

describe('ActionBar', () => {
  it('shows exactly the actions the API allows — two at most in the bar, the rest under 更多 — and nothing when there are none', () => {
    const { rerender, container } = render(<ActionBar actions={['reject', 'accept', 'transfer']} self={self} onSubmit={vi.fn()} />);
    expect(labels()).toEqual(['受理', '更多']);
    fireEvent.click(button('更多'));
    expect(within(screen.getByTestId('more-sheet')).getAllByRole('button').map((b) => b.textContent)).toEqual(['转交', '不予受理', '取消']);
    rerender(<ActionBar actions={['verify', 'rework', 'close']} self={self} onSubmit={vi.fn()} />);
    fireEvent.click(button('取消'));
    expect(labels()).toEqual(['核查通过', '结案', '更多']);
    rerender(<ActionBar actions={['remind']} self={self} onSubmit={vi.fn()} />);
    // a lone rare action is not hidden in a menu of one
    expect(labels()).toEqual(['催办']);
    rerender(<ActionBar actions={[]} self={self} onSubmit={vi.fn()} />);
    expect(container.textContent).toBe('');
  });

  it("gives the routed handler 受理并接单 in one tap, plain 受理 beside it, and the rare actions under 更多", async () => {
    const onSubmit = vi.fn(async () => undefined);
    render(<ActionBar actions={['accept', 'take', 'reject', 'merge', 'hand_back', 'transfer']} self={self} onSubmit={onSubmit} />);
    expect(labels()).toEqual(['受理并接单', '仅受理', '更多']);
    await act(async () => fireEvent.click(button('受理并接单')));
    expect(onSubmit).toHaveBeenCalledTimes(1);
    expect(onSubmit).toHaveBeenCalledWith({ action: 'take' });
    expect(screen.queryByTestId('action-sheet')).toBeNull();
    fireEvent.click(button('更多'));
    const menu = screen.getByTestId('more-sheet');
    expect(within(menu).getAllByRole('button').map((b) => b.getAttribute('data-action')).filter(Boolean)).toEqual(['transfer', 'hand_back', 'reject', 'merge']);
    // an action that needs a reason opens its sheet in place of the menu
    fireEvent.click(within(menu).getByRole('button', { name: '退回' }));
    expect(screen.queryByTestId('more-sheet')).toBeNull();
    expect(screen.getByTestId('action-sheet').textContent).toContain('退回的原因');
  });

  it("offers the category's canned replies for this state and field, and inserts one with one tap", async () => {
    const onSubmit = vi.fn(async () => undefined);
    const replies = [
      { text: '已到现场核实，情况属实。', field: 'note' as const, states: ['accepted', 'dispatched', 'in_progress'] },
      { text: '已整改完毕，现场已恢复正常。', field: 'note' as const, states: ['in_progress'] },
      { text: '请补充具体位置。', field: 'reason' as const, states: ['reported'] },
      { text: '经核实不属于本网格。', field: 'reason' as const, states: [] },
    ];
    const { unmount } = render(<ActionBar actions={['resolve', 'hand_back']} status='in_progress' replies={replies} self={self} onSubmit={onSubmit} />);
    fireEvent.click(button('办结'));
    // note replies of in_progress only; no reason replies in a sheet that asks for a note
    expect(screen.getAllByTestId('reply').map((r) => r.textContent)).toEqual(['已到现场核实，情况属实。', '已整改完毕，现场已恢复正常。']);
    fireEvent.click(screen.getByText('已整改完毕，现场已恢复正常。'));
    expect((screen.getByTestId('resolve-note') as HTMLTextAreaElement).value).toBe('已整改完毕，现场已恢复正常。');
    // a second reply goes after the first; the same one twice is not repeated
    fireEvent.click(screen.getByText('已到现场核实，情况属实。'));
    fireEvent.click(screen.getByText('已到现场核实，情况属实。'));
    expect((screen.getByTestId('resolve-note') as HTMLTextAreaElement).value).toBe('已整改完毕，现场已恢复正常。已到现场核实，情况属实。');
    fireEvent.click(button('取消'));
    // a reason: the replies for any state and this one (in_progress), then the action's own quick picks
    fireEvent.click(button('更多'));
    fireEvent.click(button('退回'));
    expect(screen.getAllByTestId('reply').map((r) => r.textContent)).toEqual(['经核实不属于本网格。', '不在本网格', '不属于本人职责']);
    fireEvent.change(screen.getByTestId('action-reason'), { target: { value: '楼栋不在本网格' } });
    fireEvent.click(screen.getByText('经核实不属于本网格。'));
    await act(async () => fireEvent.click(button('确认退回')));
    expect(onSubmit).toHaveBeenCalledWith({ action: 'hand_back', reason: '楼栋不在本网格；经核实不属于本网格。' });
    unmount();
    // no replies on the category (an old table): the sheet works as before
    render(<ActionBar actions={['resolve']} status='in_progress' self={self} onSubmit={onSubmit} />);
    fireEvent.click(button('办结'));
    expect(screen.queryByTestId('replies')).toBeNull();
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
    fireEvent.click(button('更多'));
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
      // alone, or under 更多 beside a step that moves the task on (the rare ones are always there)
      const { unmount } = render(<ActionBar actions={a === 'start' ? [a] : ['start', a]} self={self} onSubmit={onSubmit} />);
      if (!screen.queryByRole('button', { name: ACTION_LABELS[a] })) fireEvent.click(button('更多'));
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
