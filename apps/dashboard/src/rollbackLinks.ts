// Lays out the rollback arrows of a timeline: each rolled-back deploy linked down to its (older) target.
export interface RollbackLink {
  from: number;
  to: number;
  lane: number;
}

export type Segment = "start" | "mid" | "end" | null;

export const MAX_LANES = 3;

/** Links between rows of `items` (newest first); links that overlap get separate lanes, up to MAX_LANES. */
export function layoutRollbackLinks(items: readonly { id: number; status: string; rollbackTargetId: number | null }[]): RollbackLink[] {
  const index = new Map(items.map((d, i) => [d.id, i]));
  const laneEnds: number[] = [];
  const links: RollbackLink[] = [];
  items.forEach((d, from) => {
    if (d.status !== "rolled_back" || d.rollbackTargetId == null) return;
    const to = index.get(d.rollbackTargetId);
    if (to === undefined || to <= from) return;
    let lane = laneEnds.findIndex((end) => end < from);
    if (lane === -1) {
      if (laneEnds.length >= MAX_LANES) return;
      lane = laneEnds.length;
      laneEnds.push(to);
    } else laneEnds[lane] = to;
    links.push({ from, to, lane });
  });
  return links;
}

/** What each lane draws on row `row`. */
export function segmentsForRow(links: readonly RollbackLink[], row: number, lanes: number): Segment[] {
  const out: Segment[] = Array.from({ length: lanes }, () => null);
  for (const l of links) {
    if (row === l.from) out[l.lane] = "start";
    else if (row === l.to) out[l.lane] = "end";
    else if (row > l.from && row < l.to) out[l.lane] = "mid";
  }
  return out;
}
