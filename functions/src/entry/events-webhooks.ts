/** Lambda entry: the webhook queue's consumer (Open311 city systems' webhooks). */
export { handler } from '#events/webhooks';
