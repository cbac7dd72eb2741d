export default definePageConfig({ navigationBarTitleText: '申请成为平安志愿者' });
