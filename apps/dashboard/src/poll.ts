// How often pages poll for new events: "live" without a reload, at a cost of one small request per view.
export const POLL_MS = 3_000;
