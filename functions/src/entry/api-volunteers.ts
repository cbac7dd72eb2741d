/** Lambda entry: the `volunteers` routes of the route table. */
import * as routes from '#http/handlers/volunteers';
import { functionHandler } from '#http/dispatch';

export const handler = functionHandler('volunteers', routes);
