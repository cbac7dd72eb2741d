/**
 * Pages and sub-packages come from THE page table (functions/src/domain/pages.ts), which the
 * backend's pushes link to: residents' screens in the main package, staff and the dispatch centre
 * in sub-packages. Taro bundles this file with esbuild at build time, imports included.
 */
import { appPages } from '../../functions/src/domain/pages';

export default defineAppConfig({
  ...appPages(),
  window: {
    navigationBarTitleText: '微事报',
    navigationBarBackgroundColor: '#1f6feb',
    navigationBarTextStyle: 'white',
    backgroundColor: '#f5f6f8',
    backgroundTextStyle: 'dark',
    // h5: draw the title bar with a back button, as the mini-program has
    navigationStyle: 'default',
  },
  // WeChat shows at most 30 characters: the report's grid, and a responder's position while on duty
  permission: { 'scope.userLocation': { desc: '用于确定隐患所在网格，及您在岗协助时就近派单' } },
  requiredPrivateInfos: ['getLocation', 'chooseLocation'],
});
