/**
 * A modal question or message over the screen (the same in h5 and weapp, unlike Taro.showModal):
 * a title, words, and one to three buttons. It is a real dialog for screen readers (role dialog
 * or alertdialog, named by its title, described by its words) and takes the keyboard's focus
 * when it opens, so what it says is read first and cannot sit unseen behind the footer.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { View, Text, Button } from '@tarojs/components';
import { role } from '../lib/a11y';
import { disabledIf } from '../lib/dom';

export interface DialogAction {
  label: string;
  onTap: () => void;
  /** primary (blue, the default) / danger (red outline) / plain */
  tone?: 'primary' | 'danger' | 'plain';
  testId?: string;
  disabled?: boolean;
}

export interface DialogProps {
  title: string;
  children?: ReactNode;
  actions: DialogAction[];
  /** alertdialog: an error or warning that needs an answer (default dialog) */
  alert?: boolean;
  testId?: string;
}

let seq = 0;

export function Dialog({ title, children, actions, alert = false, testId }: DialogProps) {
  const [id] = useState(() => `wsb-dialog-${++seq}`);
  useEffect(() => {
    if (process.env.TARO_ENV !== 'h5' || typeof document === 'undefined') return;
    // after the keyboard script in index.html has made the buttons focusable
    const t = setTimeout(() => (document.querySelector(`#${id} [data-dialog-action]`) as HTMLElement | null)?.focus(), 0);
    return () => clearTimeout(t);
  }, [id]);
  return (
    <View className='dialog-mask' data-testid={testId ? `${testId}-mask` : undefined}>
      <View id={id} className='dialog' {...role(alert ? 'alertdialog' : 'dialog')} aria-modal='true' aria-labelledby={`${id}-title`} aria-describedby={`${id}-body`} data-testid={testId}>
        <Text id={`${id}-title`} className='dialog__title'>
          {title}
        </Text>
        <View id={`${id}-body`} className='dialog__body'>
          {children}
        </View>
        <View className='dialog__actions'>
          {actions.map((a) => (
            <Button
              key={a.label}
              className={`btn btn--block ${a.tone === 'danger' ? 'btn--danger' : a.tone === 'plain' ? '' : 'btn--primary'}`}
              disabled={disabledIf(a.disabled)}
              onClick={a.onTap}
              data-testid={a.testId}
              data-dialog-action=''
            >
              {a.label}
            </Button>
          ))}
        </View>
      </View>
    </View>
  );
}
