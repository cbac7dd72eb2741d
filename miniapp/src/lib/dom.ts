/**
 * Taro's h5 buttons are web components: React writes `disabled={false}` onto them as the
 * attribute disabled="false", which still counts as disabled (and greys the text out). Give
 * them `true` or nothing.
 */
export const disabledIf = (cond: unknown): true | undefined => (cond ? true : undefined);
