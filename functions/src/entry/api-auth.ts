/** Lambda entry: the `auth` routes of the route table. */
import * as routes from '#http/handlers/auth';
import { functionHandler } from '#http/dispatch';

export const handler = functionHandler('auth', routes);
