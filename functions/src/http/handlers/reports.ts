/** Report endpoints: each is one call into the flows, then the viewer's view of the result. */
import * as flows from '#flows/reports';
import { fileReport } from '#flows/filing';
import { duplicatesOf, firstThumb } from '#flows/duplicates';
import { myReports, nearby as nearbyReports, openReport, recordPersonalRead, revealPhone as reveal } from '#flows/report-reads';
import type { UserRecord } from '#flows/identity';
import { publicSummary, reportView, summary } from '#http/views';
import type { Handler } from '#http/handler';

/** The report as this viewer may see it; a masked phone shown to staff is an audited read. */
async function view(reportId: string, viewer: UserRecord, now = new Date()) {
  const { story, tree, reporter } = await openReport(viewer, reportId);
  const out = await reportView(story, viewer, tree, reporter, now);
  if (out.reporter?.phone) await recordPersonalRead(viewer, reportId, 'reporter.phone(masked)', now);
  return out;
}

export const revealPhone: Handler<'reports.revealPhone'> = async ({ user, params }) => ({ body: { phone: await reveal(user, params.id, new Date()) } });

export const create: Handler<'reports.create'> = async ({ user, body, headers }) => {
  const now = new Date();
  const filed = await fileReport(user, body, headers['idempotency-key'], now);
  return { status: 201, body: await view(filed.reportId, user, now), ...(filed.replayed ? { headers: { 'idempotent-replayed': 'true' } } : {}) };
};

export const get: Handler<'reports.get'> = async ({ user, params }) => ({ body: await view(params.id, user) });

export const mine: Handler<'reports.mine'> = async ({ user, query }) => {
  const page = await myReports(user, query.limit, query.cursor);
  const now = new Date();
  return { body: { items: page.items.map((r) => ({ ...summary(r, user, page.tree, now), following: r.relation === 'follower' })), cursor: page.cursor } };
};

/** Reports the caller may not open are shown by category, state and distance only. */
export const nearby: Handler<'reports.nearby'> = async ({ user, query }) => {
  const { items, tree } = await nearbyReports(user, query, query.category);
  const now = new Date();
  return {
    body: {
      items: await Promise.all(
        items.map(async ({ report, meters, mayOpen, sameBuilding }) => ({
          ...(mayOpen ? summary(report, user, tree, now) : publicSummary(report, now)),
          distanceMeters: Math.round(meters),
          sameBuilding,
          thumbUrl: await firstThumb(report, now),
          following: false,
        })),
      ),
      cursor: null,
    },
  };
};

/** Merge candidates (staff): same building first, then nearest. */
export const duplicates: Handler<'reports.duplicates'> = async ({ user, params }) => {
  const now = new Date();
  const { items: found, tree } = await duplicatesOf(user, params.id);
  return {
    body: {
      items: await Promise.all(
        found.map(async ({ report, meters, sameBuilding }) => ({ ...summary(report, user, tree, now), meters: Math.round(meters), sameBuilding, thumbUrl: await firstThumb(report, now) })),
      ),
      cursor: null,
    },
  };
};

export const follow: Handler<'reports.follow'> = async ({ user, params }) => {
  const { joined } = await flows.follow(user, params.id, new Date());
  return { status: joined ? 201 : 200, body: await view(params.id, user) };
};

export const action: Handler<'reports.action'> = async ({ user, params, body }) => {
  const r = await flows.act(user, params.id, body, new Date());
  return { body: await view(r.id, user) };
};

export const rate: Handler<'reports.rate'> = async ({ user, params, body }) => {
  await flows.rate(user, params.id, body, new Date());
  return { body: await view(params.id, user) };
};
