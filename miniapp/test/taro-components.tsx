/**
 * Unit-test stand-ins for @tarojs/components: each renders the plain DOM element the h5 build
 * renders, and raises Taro's event shape (`e.detail.value`) where the app reads it. Nothing more.
 */
import { createElement, type ReactNode } from 'react';

type P = Record<string, any> & { children?: ReactNode };
const DROP = ['hoverClass', 'openType', 'onGetPhoneNumber', 'mode', 'loading', 'maxlength', 'color', 'placeholderClass'];
// `nativeProps`: what Taro's h5 field puts on its inner <input> / <textarea> / <img> (e.g. aria-label, alt)
const clean = ({ nativeProps, ...p }: P) => ({ ...Object.fromEntries(Object.entries(p).filter(([k]) => !DROP.includes(k))), ...(nativeProps ?? {}) });

export const View = (p: P) => createElement('div', clean(p));
export const Text = (p: P) => createElement('span', clean(p));
export const Image = (p: P) => createElement('img', clean(p));
export const Button = (p: P) => createElement('button', { type: 'button', ...clean(p) });
export const Input = ({ onInput, ...p }: P) => createElement('input', { ...clean(p), maxLength: p.maxlength, onChange: (e: any) => onInput?.({ detail: { value: e.target.value } }) });
export const Textarea = ({ onInput, ...p }: P) => createElement('textarea', { ...clean(p), maxLength: p.maxlength, onChange: (e: any) => onInput?.({ detail: { value: e.target.value } }) });
export const Switch = ({ onChange, checked, ...p }: P) =>
  createElement('input', { ...clean(p), type: 'checkbox', role: 'switch', checked: !!checked, onChange: (e: any) => onChange?.({ detail: { value: e.target.checked } }) });
