/**
 * The console's stylesheet and its one script, served from /console/assets/ (same origin, so the Content-Security-
 * Policy can forbid inline code). No external requests: the console works without network.
 */
export const CONSOLE_CSS = `
:root { font-family: system-ui, sans-serif; color: #1b1f24; background: #f6f7f9; }
body { margin: 0; }
header.top { display: flex; gap: 1.5rem; align-items: center; padding: .6rem 1.5rem; background: #0f3d4c; color: #fff; }
header.top a { color: #fff; }
header.top .brand { font-weight: 700; text-decoration: none; margin-right: auto; }
header.top nav a { margin-right: 1rem; }
main { padding: 1rem 1.5rem 3rem; max-width: 80rem; }
table { border-collapse: collapse; width: 100%; background: #fff; margin: .5rem 0 1rem; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { border-bottom: 1px solid #dde1e6; padding: .4rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #eef1f4; font-size: .9rem; }
code, pre { font-family: ui-monospace, monospace; }
pre { background: #fff; border: 1px solid #dde1e6; padding: .6rem; overflow-x: auto; }
form.stack { display: grid; gap: .35rem; max-width: 32rem; margin-bottom: 1rem; }
form.stack button { justify-self: start; }
form.inline { display: inline; }
form.row { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; }
fieldset { border: 1px solid #dde1e6; display: grid; gap: .35rem; }
label.check { display: flex; gap: .4rem; align-items: center; }
input, select, button { font: inherit; padding: .3rem .45rem; }
button, a.button { background: #0f6d8c; color: #fff; border: 0; border-radius: 4px; cursor: pointer; padding: .35rem .8rem; text-decoration: none; display: inline-block; }
header.top button { background: transparent; border: 1px solid #fff; }
button.danger { background: #b3261e; }
button.copy { background: #e4e8ec; color: #1b1f24; }
.tabs { display: flex; gap: .25rem; border-bottom: 2px solid #0f6d8c; margin: 1rem 0; }
.tabs a { padding: .4rem .9rem; text-decoration: none; color: #0f3d4c; border-radius: 4px 4px 0 0; }
.tabs a[aria-current="page"] { background: #0f6d8c; color: #fff; }
.badge { display: inline-block; font-size: .8rem; padding: .05rem .4rem; border-radius: 999px; background: #fde7c2; color: #6b3b00; margin: 0 .2rem .2rem 0; }
.badge-old { background: #fbd3cf; color: #7a1710; }
.badge-unlabelled { background: #e6e0f8; color: #3a2a7a; }
.field-error { color: #b3261e; margin: 0; font-size: .9rem; }
[aria-invalid="true"] { border: 2px solid #b3261e; }
.form-errors { border-left: 4px solid #b3261e; background: #fff; padding: .2rem .8rem; }
.secret-panel { border: 2px solid #0f6d8c; background: #fff; padding: .4rem 1rem 1rem; margin: 1rem 0; }
.secret-panel dl { display: grid; grid-template-columns: max-content 1fr; gap: .35rem 1rem; }
.secret-panel dd { margin: 0; }
.warning { background: #fff4d6; border-left: 4px solid #c98a00; padding: .4rem .8rem; }
.notice { background: #e3f3e6; border-left: 4px solid #2e7d32; padding: .4rem .8rem; }
.muted, .hint { color: #5b6570; font-size: .9rem; }
.crumbs { margin: 0; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
td.actions { white-space: nowrap; }
`;

/** Progressive enhancement only: copy buttons, and a reload after a secret-issuing POST lands on a plain GET. */
export const CONSOLE_JS = `
(function () {
  var replace = document.body && document.body.getAttribute("data-replace-url");
  if (replace && window.history && history.replaceState) history.replaceState(null, "", replace);
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("button[data-copy]");
    if (!b) return;
    var el = document.getElementById(b.getAttribute("data-copy"));
    if (!el || !navigator.clipboard) return;
    navigator.clipboard.writeText(el.textContent).then(function () {
      var t = b.textContent; b.textContent = "Copied"; setTimeout(function () { b.textContent = t; }, 1500);
    });
  });
})();
`;
