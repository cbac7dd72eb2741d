/** Lambda entry: the push queue (one WeChat subscribe message per queued inbox item). */
export { handler } from '#events/push';
