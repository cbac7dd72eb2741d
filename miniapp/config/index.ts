/**
 * Taro build configuration (webpack5 runner). One code base, two targets:
 *   taro build --type weapp  -> dist/weapp (WeChat mini-program; main package + sub-packages)
 *   taro build --type h5     -> dist/h5    (served by `npm start` at `/`)
 *
 * designWidth 375: styles are written in the px of a 375-wide phone; pxtransform turns them into
 * rpx (weapp) or rem (h5). Write `PX` (upper case) where a size must not scale (desktop layouts).
 */
import path from 'node:path';
import { defineConfig, type UserConfigExport } from '@tarojs/cli';

const root = path.resolve(__dirname, '..');
/** Backend modules the app imports at run time (pure, no I/O): compiled by the app's babel. */
const sharedBackend = [path.resolve(root, '../functions/src/geo'), path.resolve(root, '../functions/src/domain')];

/**
 * npm nests @tarojs/plugin-framework-react under miniapp/node_modules (its optional peer `vite@^4`
 * conflicts with vitest's vite at the root), but Taro's own runtime packages, hoisted to the root,
 * import it: let webpack look in the workspace's node_modules too.
 */
const webpackChain = (chain: any) => {
  chain.resolve.modules.add(path.resolve(root, 'node_modules')).add('node_modules');
};

export default defineConfig<'webpack5'>(async (merge) => {
  const base: UserConfigExport<'webpack5'> = {
    projectName: 'weishibao',
    date: '2025-11-23',
    designWidth: 375,
    deviceRatio: { 375: 2, 640: 2.34 / 2, 750: 1, 828: 1.81 / 2 },
    sourceRoot: 'src',
    outputRoot: `dist/${process.env.TARO_ENV}`,
    plugins: [],
    defineConstants: {
      // weapp needs an absolute API origin (the h5 build talks to its own origin)
      API_BASE: JSON.stringify(process.env.TARO_APP_API_BASE ?? (process.env.TARO_ENV === 'h5' ? '' : 'http://127.0.0.1:3000')),
    },
    alias: { '@': path.resolve(root, 'src') },
    copy: { patterns: [], options: {} },
    framework: 'react',
    // prebundle (esbuild dependency pre-bundling) breaks the h5 dev server here; builds do not need it
    compiler: { type: 'webpack5', prebundle: { enable: false } },
    cache: { enable: false },
    mini: {
      compile: { include: sharedBackend },
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
      optimizeMainPackage: { enable: true },
      webpackChain,
    },
    h5: {
      publicPath: '/',
      staticDirectory: 'static',
      router: { mode: 'hash' },
      webpackChain,
      compile: { include: sharedBackend },
      output: { filename: 'js/[name].[contenthash:8].js', chunkFilename: 'js/[name].[contenthash:8].js' },
      miniCssExtractPluginOption: { ignoreOrder: true, filename: 'css/[name].[contenthash:8].css', chunkFilename: 'css/[name].[contenthash:8].css' },
      postcss: {
        // rem scaling follows the phone's width up to 1.2x (450 px); a desktop browser (the
        // dispatch centre) gets the same type size as a large phone, not twice it
        pxtransform: { enable: true, config: { maxRootSize: 24 } },
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
    },
  };
  if (process.env.NODE_ENV === 'development') return merge({}, base, { logger: { quiet: false, stats: true } });
  return merge({}, base, {});
});
