/**
 * Pages: residents' screens in the main package (what most people open); staff and the dispatch
 * centre in sub-packages, downloaded only by those who need them (weapp main package <= 1 MB).
 */
export default defineAppConfig({
  pages: ['pages/index/index', 'pages/login/index', 'pages/consent/index', 'pages/report/index', 'pages/detail/index'],
  subPackages: [
    { root: 'staff', name: 'staff', pages: ['inbox/index', 'task/index'] },
    { root: 'dispatch', name: 'dispatch', pages: ['dashboard/index'] },
  ],
  window: {
    navigationBarTitleText: '微事报',
    navigationBarBackgroundColor: '#1f6feb',
    navigationBarTextStyle: 'white',
    backgroundColor: '#f5f6f8',
    backgroundTextStyle: 'dark',
    // h5: draw the title bar with a back button, as the mini-program has
    navigationStyle: 'default',
  },
  permission: { 'scope.userLocation': { desc: '用于确定隐患所在的网格，把上报交给负责的网格员' } },
  requiredPrivateInfos: ['getLocation', 'chooseLocation'],
});
