export default definePageConfig({ navigationBarTitleText: '协助任务', enablePullDownRefresh: true });
