/**
 * Roles for screen readers on Taro components. Taro's h5 components are custom elements (e.g.
 * <taro-button-core>) that carry no role of their own, so a reader would not announce a button
 * as one: give them the ARIA role. Taro's component props do not declare `role`, hence a spread
 * object. In the mini-program WeChat's own names are `aria-role` / `aria-label`, but Taro 4.1's
 * weapp templates (dist/weapp/base.wxml) do not pass aria attributes through, so there only the
 * native components' own semantics (e.g. <button>) reach WeChat's reader.
 *
 * In h5 every <taro-button-core> also becomes role=button, focusable and operable with Enter and
 * Space (the small script in src/index.html), as do the elements given role button / radio here.
 */
const H5 = process.env.TARO_ENV === 'h5';

export type RoleName = 'button' | 'list' | 'listitem' | 'status' | 'group' | 'region' | 'radio' | 'radiogroup' | 'dialog' | 'alertdialog' | 'alert' | 'link' | 'img' | 'checkbox';

export function role(name: RoleName, label?: string): Record<string, string> {
  const out: Record<string, string> = H5 ? { role: name } : { 'aria-role': name };
  if (label) out['aria-label'] = label;
  return out;
}

/** A radio (one of a radiogroup's choices) and whether it is the chosen one. */
export function radio(on: boolean, label?: string): Record<string, string> {
  return { ...role('radio', label), 'aria-checked': on ? 'true' : 'false' };
}

/** A checkbox (one of several choices that may all be on) and whether it is on. */
export function checkbox(on: boolean, label?: string): Record<string, string> {
  return { ...role('checkbox', label), 'aria-checked': on ? 'true' : 'false' };
}

/** Left out of what a screen reader reads (a decoration next to the words that say the same). */
export const decorative: Record<string, string> = { 'aria-hidden': 'true' };

/**
 * The accessible name of a form field (Input, Textarea, Switch). Taro's h5 field is a custom
 * element wrapping the real <input>/<textarea>: the label must be on that inner element, which
 * Taro reaches through `nativeProps`.
 */
export function fieldLabel(label: string): { nativeProps?: Record<string, string>; 'aria-label'?: string } {
  return H5 ? { nativeProps: { 'aria-label': label } } : { 'aria-label': label };
}

/** The text alternative of a photo (Taro's h5 <Image> wraps the real <img>). */
export function imageAlt(alt: string): { nativeProps?: Record<string, string>; 'aria-label'?: string } {
  return H5 ? { nativeProps: { alt } } : { 'aria-label': alt };
}

/** A heading of the given level for screen readers (Taro's <Text> is a plain inline element). */
export function heading(level: 1 | 2 | 3 | 4): Record<string, string> {
  return process.env.TARO_ENV === 'h5' ? { role: 'heading', 'aria-level': String(level) } : {};
}
