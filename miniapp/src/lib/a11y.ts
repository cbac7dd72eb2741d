/**
 * Roles for screen readers on Taro components. Taro's h5 components are custom elements (e.g.
 * <taro-button-core>) that carry no role of their own, so a reader would not announce a button
 * as one: give them the ARIA role. Taro's component props do not declare `role`, hence a spread
 * object. In the mini-program WeChat's own names are `aria-role` / `aria-label`, but Taro 4.1's
 * weapp templates (dist/weapp/base.wxml) do not pass aria attributes through, so there only the
 * native components' own semantics (e.g. <button>) reach WeChat's reader.
 */
export function role(name: 'button' | 'list' | 'listitem' | 'status' | 'group' | 'region', label?: string): Record<string, string> {
  const out: Record<string, string> = process.env.TARO_ENV === 'h5' ? { role: name } : { 'aria-role': name };
  if (label) out['aria-label'] = label;
  return out;
}
