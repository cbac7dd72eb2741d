/** Lambda entry: the `stats` routes of the route table. */
import * as routes from '#http/handlers/stats';
import { functionHandler } from '#http/dispatch';

export const handler = functionHandler('stats', routes);
