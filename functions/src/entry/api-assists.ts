/** Lambda entry: the `assists` routes of the route table. */
import * as routes from '#http/handlers/assists';
import { functionHandler } from '#http/dispatch';

export const handler = functionHandler('assists', routes);
