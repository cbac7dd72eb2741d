/** Lambda entry: the `me` routes of the route table. */
import * as routes from '#http/handlers/me';
import { functionHandler } from '#http/dispatch';

export const handler = functionHandler('me', routes);
