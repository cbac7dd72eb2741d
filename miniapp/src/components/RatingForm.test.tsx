import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/react';
import { RatingForm, RATING_NOTE } from './RatingForm';

describe('RatingForm', () => {
  it("tells the reporter that 不满意 sends the report back for rework, and says so again when it is chosen", () => {
    const onSubmit = vi.fn();
    render(<RatingForm onSubmit={onSubmit} />);
    expect(screen.getByTestId('rating-note').textContent).toBe(RATING_NOTE.reporter);
    expect(RATING_NOTE.reporter).toContain('不满意”会退回重新处理');
    expect(screen.queryByTestId('rating-reopen')).toBeNull();
    fireEvent.click(screen.getByRole('radio', { name: '不满意' }));
    expect(screen.getByTestId('rating-reopen').textContent).toContain('重新处理');
    fireEvent.click(screen.getByTestId('rating-submit'));
    expect(onSubmit).toHaveBeenCalledWith('dissatisfied', '');
  });

  it('tells a follower their rating is recorded but does not reopen the report', () => {
    const onSubmit = vi.fn();
    render(<RatingForm reporter={false} onSubmit={onSubmit} />);
    const note = screen.getByTestId('rating-note').textContent!;
    expect(note).toBe(RATING_NOTE.follower);
    expect(note).toContain('会被记录');
    expect(note).toContain('不会让问题重新处理');
    expect(note).not.toBe(RATING_NOTE.reporter);
    fireEvent.click(screen.getByRole('radio', { name: '不满意' }));
    // no promise of rework to someone whose answer cannot give it
    expect(screen.queryByTestId('rating-reopen')).toBeNull();
    fireEvent.change(screen.getByLabelText('想说的话（选填）'), { target: { value: ' 还是有人在充电 ' } });
    fireEvent.click(screen.getByTestId('rating-submit'));
    expect(onSubmit).toHaveBeenCalledWith('dissatisfied', '还是有人在充电');
  });

  it('offers the three answers as radios, none chosen at first, and sends nothing until one is', () => {
    const onSubmit = vi.fn();
    render(<RatingForm onSubmit={onSubmit} />);
    const radios = screen.getAllByRole('radio');
    expect(radios.map((r) => r.textContent)).toEqual(['满意', '基本满意', '不满意']);
    expect(radios.every((r) => r.getAttribute('aria-checked') === 'false')).toBe(true);
    expect((screen.getByTestId('rating-submit') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(radios[1]!);
    expect(radios[1]!.getAttribute('aria-checked')).toBe('true');
    expect((screen.getByTestId('rating-submit') as HTMLButtonElement).disabled).toBe(false);
  });
});
