/** Lambda entry: the `wechat` routes (WeChat's message push). */
import * as routes from '#http/handlers/wechat';
import { functionHandler } from '#http/dispatch';

export const handler = functionHandler('wechat', routes);
