/** Where the person is now, as a url Taro can open again (reLaunch / redirectTo). */
import Taro from '@tarojs/taro';

/** "/pages/detail/index?id=R1" for the page on screen; null when it cannot be told. */
export function currentUrl(): string | null {
  if (process.env.TARO_ENV === 'h5') {
    // the h5 router runs in hash mode: "#/pages/detail/index?id=R1"
    const hash = typeof location === 'undefined' ? '' : location.hash.replace(/^#/, '');
    return hash.startsWith('/') && hash.length > 1 ? hash : null;
  }
  const pages = Taro.getCurrentPages();
  const top = pages[pages.length - 1] as { route?: string; options?: Record<string, string> } | undefined;
  if (!top?.route) return null;
  const q = Object.entries(top.options ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return `/${top.route}${q ? `?${q}` : ''}`;
}

/** The page part of a url ("/pages/detail/index" of "/pages/detail/index?id=R1"). */
export const pathOf = (url: string) => url.split('?')[0]!;
