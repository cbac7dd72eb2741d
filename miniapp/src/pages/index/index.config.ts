export default definePageConfig({ navigationBarTitleText: '微事报', enablePullDownRefresh: true });
