/** Lambda entry: the `tasks` routes of the route table. */
import * as routes from '#http/handlers/tasks';
import { functionHandler } from '#http/dispatch';

export const handler = functionHandler('tasks', routes);
