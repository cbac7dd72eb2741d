/** Unit-test stand-in for @tarojs/taro: in-memory storage and no-op UI calls. */
import { vi } from 'vitest';

const store = new Map<string, unknown>();
const Taro = {
  getStorageSync: (k: string) => (store.has(k) ? store.get(k) : ''),
  setStorageSync: (k: string, v: unknown) => void store.set(k, v),
  removeStorageSync: (k: string) => void store.delete(k),
  request: vi.fn(async () => {
    throw { errMsg: 'request:fail (no network in unit tests)' };
  }),
  uploadFile: vi.fn(),
  chooseMedia: vi.fn(async () => ({ tempFiles: [] })),
  showToast: vi.fn(async () => undefined),
  showModal: vi.fn(async () => ({ confirm: true })),
  navigateTo: vi.fn(async () => undefined),
  redirectTo: vi.fn(async () => undefined),
  reLaunch: vi.fn(async () => undefined),
  previewImage: vi.fn(async () => undefined),
  makePhoneCall: vi.fn(async () => undefined),
};
export default Taro;
export const useDidShow = () => undefined;
export const useRouter = () => ({ params: {} });
export const usePullDownRefresh = () => undefined;
