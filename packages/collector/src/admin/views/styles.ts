// Served as /admin/assets/admin.css: the pages' CSP allows no inline styles.
/** The admin pages' stylesheet. */
export const ADMIN_CSS = `
:root {
  --ink: #1f2933; --muted: #65717e; --line: #e3e7ec; --bg: #f5f7fa; --card: #fff;
  --blue: #1c6ed6; --green: #2b8a3e; --amber: #e8a317; --red: #d62828;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); }
body.centered { display: grid; place-items: center; min-height: 100vh; padding: 1rem; }
h1 { font-size: 1.45rem; margin: 0; }
h2 { font-size: 1.1rem; margin: 0 0 .25rem; }
code { font: .85em ui-monospace, SFMono-Regular, Menlo, monospace; }
a { color: var(--blue); }
.muted { color: var(--muted); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
main { max-width: 1200px; margin: 0 auto; padding: 0 1.5rem 2rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 1.25rem 1.5rem; margin-top: 1rem; }
.card.narrow { max-width: 26rem; width: 100%; margin: 0; }
.topbar { max-width: 1200px; margin: 0 auto; padding: 1.5rem 1.5rem .5rem; display: flex; gap: 1.5rem; align-items: center; flex-wrap: wrap; }
.topbar > div:first-child { flex: 1; }
.topbar p { margin: .15rem 0 0; }
.windows { display: flex; border: 1px solid var(--line); border-radius: 8px; overflow: hidden; background: var(--card); }
.windows a { padding: .35rem .8rem; text-decoration: none; color: var(--ink); border-left: 1px solid var(--line); }
.windows a:first-child { border-left: 0; }
.windows a[aria-current] { background: var(--ink); color: #fff; }
.pages { display: flex; gap: .25rem; }
.pages a { padding: .35rem .7rem; border-radius: 7px; text-decoration: none; font-weight: 600; }
.pages a[aria-current] { background: #e6effb; color: var(--ink); }
button { font: inherit; border-radius: 7px; border: 1px solid var(--line); background: var(--card); padding: .45rem .9rem; cursor: pointer; }
button.primary { background: var(--blue); border-color: var(--blue); color: #fff; width: 100%; margin-top: .75rem; }
button.danger { background: var(--red); border-color: var(--red); color: #fff; font-weight: 600; }
button.danger:disabled { background: #eef0f3; border-color: var(--line); color: var(--muted); cursor: default; font-weight: 400; }
button.small { padding: .15rem .6rem; font-size: .85rem; border-color: var(--red); color: var(--red); }
button.quiet { color: var(--muted); }
.login label { display: block; font-weight: 600; margin-top: 1rem; }
.login input { width: 100%; font: inherit; padding: .5rem .6rem; margin-top: .3rem; border: 1px solid #c5ccd4; border-radius: 7px; }
.alert { background: #fdecec; color: #9b1c1c; border: 1px solid #f5c2c2; padding: .5rem .75rem; border-radius: 7px; }
.money-in-doubt { margin: 1rem 0 0; overflow-wrap: anywhere; }
.money-in-doubt h2 { margin: 0 0 .25rem; font-size: 1.1rem; }
.money-in-doubt ul { margin: .25rem 0 0; padding-left: 1.2rem; }
.money-in-doubt form.write-off { display: inline; }
.write-off-all { margin: .4rem 0 0; }
.notice { background: #e8f4ec; color: #1e5f2c; border: 1px solid #bfe0c8; padding: .6rem .9rem; border-radius: 8px; margin: 1rem 0 0; }
.kpis { display: grid; grid-template-columns: repeat(6, minmax(0, 1fr)); gap: .75rem; margin-top: 1rem; }
@media (max-width: 900px) { .kpis { grid-template-columns: repeat(3, minmax(0, 1fr)); } }
.kpi { background: var(--card); border: 1px solid var(--line); border-top: 4px solid var(--line); border-radius: 10px; padding: .8rem 1rem; }
.kpi-visits { border-top-color: var(--blue); }
.kpi-purchases, .kpi-conversion { border-top-color: var(--ink); }
.kpi-delivered { border-top-color: var(--green); }
.kpi-pending { border-top-color: var(--amber); }
.kpi-dead { border-top-color: var(--red); }
.kpi-alert { background: #fff5f5; }
.kpi-alert .kpi-value { color: var(--red); }
.kpi-label { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); font-weight: 600; }
.kpi-value { font-size: 1.9rem; font-weight: 650; font-variant-numeric: tabular-nums; margin: .1rem 0; }
.kpi-note { font-size: .8rem; color: var(--muted); }
.chart-card { padding: 1rem 1rem .5rem; }
.chart { width: 100%; height: auto; display: block; font-size: 12px; }
.chart-narrow { display: none; }
.chart text { fill: var(--muted); }
.chart-legend { list-style: none; display: flex; flex-wrap: wrap; gap: .35rem 1.25rem; margin: 0 0 .5rem; padding: 0 0 0 3.25rem; font-size: .85rem; }
.chart-legend li { display: flex; align-items: center; gap: .4rem; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; }
.swatch-visits { height: 3px; width: 18px; background: var(--blue); }
.swatch-delivered { background: var(--green); }
.swatch-pending { background: var(--amber); }
.swatch-dead { background: var(--red); }
.chart .panel-title { fill: var(--ink); font-weight: 600; font-size: 13px; }
.chart .grid { stroke: var(--line); stroke-width: 1; }
.chart .grid.baseline { stroke: #b8c0c9; }
.chart .hit:hover { fill: rgba(31, 41, 51, .05); }
.section-head { display: flex; justify-content: space-between; align-items: flex-start; gap: 1rem; flex-wrap: wrap; margin-bottom: .75rem; }
.all-time { margin: 0; color: var(--muted); font-size: .9rem; }
.all-time strong { color: var(--ink); }
/* relative: the visually hidden column headings (position: absolute) scroll with the
   table instead of widening the page beyond a phone's width. */
.table-wrap { overflow-x: auto; position: relative; }
table.relays { width: 100%; border-collapse: collapse; font-size: .9rem; }
.relays th { text-align: left; font-size: .78rem; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); border-bottom: 2px solid var(--line); padding: .4rem .6rem; vertical-align: bottom; }
.relays td { border-bottom: 1px solid var(--line); padding: .45rem .6rem; vertical-align: middle; }
.relays tr[data-status="dead"] td { background: #fff8f8; }
.relays .num { text-align: right; font-variant-numeric: tabular-nums; }
/* Date and time on one line each when the column is narrow, never broken at a hyphen. */
.relays time { display: inline-block; min-width: 5.6em; font-variant-numeric: tabular-nums; }
.relays .status-at { display: block; margin-top: .2rem; font-size: .8rem; color: var(--muted); }
.relays td > form { margin-top: .3rem; }
.relays .customer { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .85rem; word-break: break-all; min-width: 10rem; max-width: 16rem; }
.relays .response { color: var(--muted); display: inline-block; min-width: 8rem; }
.relays .response.ok { color: #1e6b30; }
.relays .nowrap { white-space: nowrap; }
.relays form { margin: 0; }
.badge { display: inline-block; padding: .1rem .55rem; border-radius: 999px; font-size: .78rem; font-weight: 600; white-space: nowrap; }
.badge-delivered { background: #e3f4e8; color: #1e6b30; }
.badge-pending, .badge-in_flight { background: #fdf3dc; color: #8a5a00; }
.badge-dead, .badge-unconfirmed { background: #fde2e2; color: #a61b1b; }
.badge-kept { background: #eceff3; color: #3d4652; }
.empty { color: var(--muted); }
.relays .order-ref { display: block; color: var(--muted); font-family: system-ui, sans-serif; }
.relays .id, .relays .customer, .skus code, .relays .answer { overflow-wrap: anywhere; }
.relays .id { min-width: 8rem; max-width: 18rem; }
.relays tr.terminated td { background: #fafbfc; }
.skus { list-style: none; margin: 0; padding: 0; min-width: 14rem; }
.skus li + li { margin-top: .3rem; }
.billing-state { display: inline-block; padding: .05rem .5rem; border-radius: 999px; font-size: .8rem; font-weight: 600; background: #eef0f3; color: var(--muted); }
.billing-state[data-state="pending"] { background: #fdf3dc; color: #8a5a00; }
.billing-state[data-state="delivered"], .billing-state[data-state="started"] { background: #e3f4e8; color: #1e6b30; }
form.start-now { display: inline; }
form.start-now button { padding: .05rem .5rem; font-size: .8rem; }
.billing-state[data-state="failed"] { background: #fde2e2; color: #a61b1b; font-weight: 400; }
.end-state { color: var(--muted); font-size: .85rem; }
.end-state[data-state="failed"] { color: #a61b1b; }
.orders form button { border-color: var(--blue); color: var(--blue); font-weight: 600; white-space: nowrap; }
.badge-terminated { background: #e9ecef; color: #495057; }
.badge-refused { background: #fdf3dc; color: #8a5a00; }
.badge-failed { background: #fde2e2; color: #a61b1b; }
.relays .answer { display: block; min-width: 14rem; white-space: pre-wrap; font: .8rem/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; }
.usage-alert { margin: 1rem 0 0; }
main.confirm { max-width: 56rem; margin: 1.5rem auto; }
.confirm-warning { font-weight: 600; }
.confirm-form { display: flex; flex-wrap: wrap; align-items: center; gap: 1rem; }
.confirm-form button { border-color: var(--blue); color: var(--blue); font-weight: 600; }
[data-open-period] time, [data-open-period] .muted { white-space: nowrap; }
/* A period (2026-12) never breaks at its hyphen, in a table cell or a chip. */
.period { white-space: nowrap; }
.periods { list-style: none; margin: 0 0 .75rem; padding: 0; display: flex; flex-wrap: wrap; gap: .35rem; }
.periods a { display: inline-block; padding: .2rem .6rem; border: 1px solid var(--line); border-radius: 7px; text-decoration: none; font-size: .85rem; }
.periods a[aria-current] { background: var(--ink); border-color: var(--ink); color: #fff; }
.periods a[aria-current] .muted { color: #d5dae0; }
.close-month button { border-color: var(--blue); color: var(--blue); font-weight: 600; white-space: nowrap; }
.report-state { display: inline-block; padding: .05rem .5rem; border-radius: 999px; font-size: .8rem; font-weight: 600; background: #eef0f3; color: var(--muted); }
.report-state[data-state="pending"], .report-state[data-state="in_flight"] { background: #fdf3dc; color: #8a5a00; }
.report-state[data-state="delivered"] { background: #e3f4e8; color: #1e6b30; }
.report-state[data-state="unconfirmed"] { background: var(--amber); color: #3d2800; }
.report-state[data-state="dead"] { background: #fde2e2; color: #a61b1b; font-weight: 400; }
.report-ref { display: block; color: var(--muted); font-size: .8rem; margin-top: .15rem; }
/* An unconfirmed report waits for an operator: the whole row stands out. */
.usage tr:has(.report-state[data-state="unconfirmed"]) td { background: #fff6df; }
.usage .actions form { display: flex; align-items: center; gap: .4rem; margin: .15rem 0; }
.usage .actions button { white-space: nowrap; padding: .2rem .7rem; font-size: .85rem; }
.usage .actions .resend button { border-color: var(--red); color: var(--red); }
.usage .hint { color: var(--muted); white-space: nowrap; }
@media (max-width: 600px) {
  .topbar { padding: 1rem .75rem .5rem; gap: .75rem; }
  main { padding: 0 .75rem 1.5rem; }
  .card { padding: 1rem; }
  .kpis { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: .5rem; }
  .kpi { padding: .7rem .8rem; min-width: 0; overflow-wrap: anywhere; }
  .kpi-value { font-size: 1.5rem; }
  .chart-wide { display: none; }
  .chart-narrow { display: block; }
  .chart-legend { padding-left: 0; }
  /* Tables become one block per row, each cell under its column's name: a phone has no
     room for ten columns, and a table scrolling sideways hides the ones that matter. */
  .table-wrap { overflow: visible; }
  table.relays, .relays tbody, .relays tr { display: block; width: 100%; }
  .relays thead { display: none; }
  .relays tr { padding: .5rem 0; border-bottom: 1px solid var(--line); }
  /* flow-root: a label that wraps to two lines makes its row taller instead of overlapping. */
  .relays td { display: flow-root; border: 0; padding: .15rem 0 .15rem 7.5rem; text-align: left; max-width: none; min-width: 0; overflow-wrap: anywhere; }
  .relays td.num { text-align: left; }
  .relays td[data-label]::before { content: attr(data-label); float: left; width: 7rem; margin-left: -7.5rem; padding-top: .1rem; font: 600 .8rem/1.3 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--muted); overflow-wrap: normal; }
  .relays time { min-width: 0; }
  .relays td.action { padding-left: 0; min-height: 0; }
  .relays td.action:empty { display: none; }
  .relays .answer, .skus, .relays .id { min-width: 0; }
  .usage .hint { white-space: normal; }
}
`;
