/**
 * The page's inline style and script. No report data goes into them (it is all in the escaped
 * markup), so they are constants; the CSP of the page allows nothing but these inline blocks.
 */
export const PAGE_CSS = `
body { font: 13px/1.4 system-ui, sans-serif; margin: 16px 24px; color: #222; }
h1 { font-size: 18px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 20px 0 6px; }
.meta { color: #666; margin-bottom: 12px; }
table { border-collapse: collapse; margin: 4px 0 12px; }
th, td { text-align: left; padding: 2px 10px 2px 0; vertical-align: top; }
.summary th { font-weight: 600; white-space: nowrap; } .summary .note { color: #777; }
.plan-tasks td, .plan-workers td { border-top: 1px solid #eee; }
.failed { color: #b00020; font-weight: 600; }
.legend span { display: inline-block; margin-right: 14px; white-space: nowrap; }
.legend i { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -2px; border-radius: 2px; }
.chart { overflow-x: auto; border: 1px solid #ddd; }
.chart svg.gantt { width: 100%; height: auto; min-width: 900px; display: block; }
.gantt text { font-size: 11px; fill: #444; } .gantt .lane-label { text-anchor: end; }
.gantt .tick { stroke: #eee; } .gantt .tick-label { text-anchor: middle; fill: #888; }
.gantt .executor { fill: #eceff1; } .gantt .executor.cold { stroke: #90a4ae; stroke-width: 0.5; }
.gantt .startup.cold { fill: #263238; opacity: 0.6; } .gantt .startup.warm { fill: #90a4ae; opacity: 0.6; }
.gantt .wait { fill: url(#hatch); }
.gantt .get { fill: #00897b; } .gantt .put { fill: #6d4c41; }
.gantt .task .exec { stroke: rgba(0,0,0,0.25); stroke-width: 0.5; }
.gantt .task.critical .exec { stroke: #d50000; stroke-width: 2; }
.gantt .task.dup .exec { stroke-dasharray: 2 2; stroke: #000; }
.gantt .task:hover .exec { stroke: #000; stroke-width: 2; }
.gantt .task.critical:hover .exec { stroke: #d50000; stroke-width: 3; }
.gantt .critical-link { stroke: #d50000; stroke-width: 1.2; fill: none; opacity: 0.7; pointer-events: none; }
.gantt .band { stroke: none; opacity: 0.85; }
.gantt .series { fill: none; stroke-width: 1.5; } .gantt .series.alive { stroke: #37474f; stroke-dasharray: 4 2; } .gantt .series.moving { stroke: #00897b; }
#tooltip { position: fixed; display: none; pointer-events: none; background: #263238; color: #fff; padding: 6px 8px;
  border-radius: 4px; white-space: pre; font-size: 12px; max-width: 640px; z-index: 10; }
.note-large { color: #555; }
.gantt .predicted { opacity: 0.55; stroke: #37474f; stroke-width: 0.4; }
.by-op td, .by-op th, .compare td, .compare th, .forecast-misses td { border-top: 1px solid #eee; }
.by-op td[data-value], .compare td { text-align: right; }
.share-bar { white-space: nowrap; } .share-bar .seg { display: inline-block; height: 10px; vertical-align: middle; }
.seg.get { background: #00897b; } .seg.put { background: #6d4c41; }
.compare .better { color: #1b5e20; } .compare .worse { color: #b00020; }
`;

/** Shows an element's <title> at once in a tooltip that follows the pointer. */
export const PAGE_SCRIPT = `
(function () {
  var tip = document.getElementById('tooltip');
  if (!tip) return;
  function titled(node) {
    for (var n = node; n && n !== document; n = n.parentNode) {
      var t = n.firstElementChild;
      if (t && t.tagName && t.tagName.toLowerCase() === 'title') return t.textContent;
    }
    return null;
  }
  document.addEventListener('mousemove', function (e) {
    var text = titled(e.target);
    if (text === null) { tip.style.display = 'none'; return; }
    tip.textContent = text;
    tip.style.display = 'block';
    tip.style.left = Math.min(e.clientX + 14, window.innerWidth - tip.offsetWidth - 4) + 'px';
    tip.style.top = Math.min(e.clientY + 14, window.innerHeight - tip.offsetHeight - 4) + 'px';
  });
})();
`;
