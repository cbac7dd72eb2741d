/**
 * Roles for screen readers on Taro components. Taro's h5 components are custom elements (e.g.
 * <taro-button-core>) that carry no role of their own, so a reader would not announce a button
 * as one: give them the ARIA role. WeChat reads `aria-role` instead (小程序无障碍). Taro's
 * component props do not declare either, hence a spread object.
 */
export function role(name: 'button' | 'list' | 'listitem' | 'status' | 'group' | 'region', label?: string): Record<string, string> {
  const out: Record<string, string> = process.env.TARO_ENV === 'h5' ? { role: name } : { 'aria-role': name };
  if (label) out['aria-label'] = label;
  return out;
}
