/** Lambda entry: the `assists` row of the schedule table (widening unanswered assist offers). */
import { handler as run } from '#events/assists';

export const handler = async () => run();
