// The dashboard the admin listener serves at `/`, embedded as a string: a SwiftPM resource bundle is looked up
// next to the executable, so a `sluice` binary copied elsewhere would lose its page. No CDN, works offline;
// its one script is DashboardScript, served at `/dashboard.js`.
enum DashboardPage {
    static let html: String = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sluice dashboard</title>
<link rel="icon" href="data:,">
<style>
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: #1f2937; background: #f3f5f8; }
header.top { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 18px; padding: 10px 20px;
             background: #1d4ed8; color: #fff; }
header.top .brand { font-size: 17px; font-weight: 600; letter-spacing: .3px; margin-right: 4px; }
header.top .meta { color: #dbe4ff; }
header.top .meta b { color: #fff; font-weight: 600; }
header.top .status { margin-left: auto; color: #dbe4ff; font-size: 12px; }
header.top .status.bad { color: #fecaca; font-weight: 600; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 11px; font-weight: 600;
         letter-spacing: .3px; text-transform: uppercase; background: #e5e7eb; color: #374151; white-space: nowrap; }
.badge.ok { background: #dcfce7; color: #166534; }
.badge.bad { background: #fee2e2; color: #991b1b; }
.badge.warn { background: #fef3c7; color: #92400e; }
.badge.off { background: #e5e7eb; color: #4b5563; }
header.top .badge.ok { background: #22c55e; color: #fff; }
header.top .badge.bad { background: #ef4444; color: #fff; }
.notice { margin: 12px 20px; padding: 10px 14px; border-radius: 6px; background: #fff7ed; border: 1px solid #fed7aa; }
.notice.error { background: #fef2f2; border-color: #fecaca; color: #991b1b; }
.notice ul { margin: 4px 0 0; padding-left: 18px; }
.notice input { width: 260px; padding: 4px 6px; border: 1px solid #cbd5e1; border-radius: 4px; }
button { font: inherit; cursor: pointer; }
.notice button { padding: 4px 12px; border: 1px solid #1d4ed8; background: #1d4ed8; color: #fff; border-radius: 4px; }
nav.tabs { display: flex; gap: 2px; padding: 0 20px; background: #fff; border-bottom: 1px solid #e2e8f0; }
nav.tabs button { padding: 10px 16px; border: 0; border-bottom: 2px solid transparent; background: none; color: #475569; }
nav.tabs button:hover { color: #1d4ed8; }
nav.tabs button.active { color: #1d4ed8; border-bottom-color: #1d4ed8; font-weight: 600; }
nav.tabs .count { color: #94a3b8; font-weight: 400; margin-left: 4px; }
main { padding: 16px 20px 32px; }
.empty { color: #64748b; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 740px), 1fr)); gap: 14px; }
.card { min-width: 0; background: #fff; border: 1px solid #e2e8f0; border-radius: 8px; padding: 12px 14px;
        box-shadow: 0 1px 2px rgba(15, 23, 42, .04); }
.card-head { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; margin-bottom: 8px; }
.card-head .name { font-weight: 600; font-size: 14px; margin-right: auto; word-break: break-all; }
.card-head .concurrency { color: #64748b; font-size: 12px; }
.card-body { display: flex; flex-wrap: wrap; gap: 12px; }
.chart-box { flex: 1 1 300px; min-width: 0; }
.legend { display: flex; gap: 12px; font-size: 11px; color: #64748b; margin-bottom: 2px; }
.legend i { display: inline-block; width: 10px; height: 3px; vertical-align: middle; margin-right: 4px; }
canvas.chart { display: block; width: 100%; height: 170px; }
.numbers { display: flex; flex-wrap: wrap; gap: 4px 14px; margin-top: 6px; font-size: 12px; color: #64748b; }
.numbers b { color: #111827; font-variant-numeric: tabular-nums; }
.numbers .pass b { color: #15803d; }
.numbers .block b { color: #b91c1c; }
.recent { flex: 0 1 auto; min-width: 0; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; background: #fff; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #eef2f7; white-space: nowrap; }
th { background: #f8fafc; color: #475569; font-weight: 600; font-size: 12px; }
td.num, th.num { text-align: right; }
tr:hover td { background: #f8fbff; }
.recent table td, .recent table th { padding: 3px 5px; font-size: 11px; }
.panel { background: #fff; border: 1px solid #e2e8f0; border-radius: 8px; margin-bottom: 14px; overflow-x: auto; }
.panel h3 { margin: 0; padding: 10px 12px; font-size: 14px; display: flex; flex-wrap: wrap; align-items: center; gap: 8px;
            border-bottom: 1px solid #e2e8f0; }
.panel h3 .sub { font-weight: 400; color: #64748b; font-size: 12px; }
.panel table { border-radius: 0 0 8px 8px; }
.toolbar { margin-bottom: 10px; }
.toolbar input { width: 320px; padding: 5px 8px; border: 1px solid #cbd5e1; border-radius: 4px; }
.method { font-weight: 600; font-size: 11px; padding: 1px 6px; border-radius: 4px; background: #e0e7ff; color: #3730a3; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.muted { color: #94a3b8; }
</style>
</head>
<body>
<header class="top">
  <span class="brand">Sluice</span>
  <span id="ready" class="badge off" data-ready="">…</span>
  <span class="meta">version <b id="version">…</b></span>
  <span class="meta">listeners <b id="listeners">…</b></span>
  <span class="meta">reloads <b id="reloads">…</b></span>
  <span id="status" class="status">connecting…</span>
</header>
<div id="auth" class="notice" hidden>
  <form id="auth-form">
    <span id="auth-message">The admin API needs a token.</span>
    <input id="auth-token" type="password" autocomplete="off" placeholder="admin token" aria-label="admin token">
    <button type="submit">Use token</button>
  </form>
</div>
<div id="reload-errors" class="notice error" hidden></div>
<nav class="tabs" id="tabs">
  <button type="button" data-tab="resources" class="active">Resources<span class="count" id="count-resources"></span></button>
  <button type="button" data-tab="services">Services<span class="count" id="count-services"></span></button>
  <button type="button" data-tab="routes">Routes<span class="count" id="count-routes"></span></button>
  <button type="button" data-tab="rules">Rules<span class="count" id="count-rules"></span></button>
</nav>
<main>
  <section id="tab-resources" class="tab">
    <div id="resources" class="cards"></div>
    <p id="resources-empty" class="empty" hidden>No flow-control rule watches any resource: only all inbound traffic is counted.</p>
  </section>
  <section id="tab-services" class="tab" hidden>
    <div id="services"></div>
  </section>
  <section id="tab-routes" class="tab" hidden>
    <div class="toolbar">
      <input id="routes-filter" type="search" placeholder="filter by path, service, call or resource" aria-label="filter routes">
    </div>
    <div class="panel">
      <table id="routes">
        <thead><tr><th>method</th><th>path</th><th>resource</th><th>service</th><th>call</th><th>protocol</th>
          <th class="num">timeout</th><th>policies</th><th>rules</th><th>origin</th></tr></thead>
        <tbody></tbody>
      </table>
    </div>
  </section>
  <section id="tab-rules" class="tab" hidden>
    <p id="rules-status" class="empty"></p>
    <div id="rules"></div>
  </section>
</main>
<script src="dashboard.js"></script>
</body>
</html>
"""#
}
