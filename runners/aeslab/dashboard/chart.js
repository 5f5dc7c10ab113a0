// aeslab dashboard, one machine's page: filters, flag table and one small
// SVG history chart per series (the data is columnar; a series' points are
// expanded only when its chart is drawn).  Plain DOM + SVG, no libraries, so the page works from file://
// with no network.  At the end a self-check counts what was drawn and
// writes the result into #selfcheck (data-status="ok" or "error"), which
// the browser test reads.
"use strict";
(function () {
  var D = JSON.parse(document.getElementById("data").textContent);
  var SVGNS = "http://www.w3.org/2000/svg";
  var PAGE = 48;
  var shown = PAGE;

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function sv(tag, attrs, text) {
    var e = document.createElementNS(SVGNS, tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function fmt(v) {
    if (v === null || v === undefined) return "\u2014";
    return Math.round(v).toLocaleString("en-US");
  }
  var M = D.machine;
  var STN = ["", "regression", "improvement", "contaminated", "unconfirmed", "outlier"];
  function runHref(run) { return "../runs/" + M.id + "/" + run + ".html"; }
  function runLink(run, text) { return el("a", { href: runHref(run) }, text || run); }
  // A series' points as objects, built only for the series drawn.
  function pointsOf(s) {
    if (s._pts) return s._pts;
    s._pts = s.r.map(function (ri, i) {
      var run = D.runs[ri] || ["?", "", "", ""];
      var ev = s.ev[String(i)] || [null, null, null, ""];
      return { t: run[1], run: run[0], commit: run[2], mb: s.mb[i], lo: s.lo[i], hi: s.hi[i],
        version: s.ver[s.vi ? s.vi[i] : 0] || "", flag: STN[s.st[i]] || "", chg: ev[0], z: ev[1],
        base: ev[2], why: ev[3] || run[3] || "" };
    });
    return s._pts;
  }
  function uniq(key) {
    var s = {};
    D.series.forEach(function (x) { s[x[key]] = 1; });
    return Object.keys(s).sort(function (a, b) {
      var na = Number(a), nb = Number(b);
      return (isNaN(na) || isNaN(nb)) ? (a < b ? -1 : a > b ? 1 : 0) : na - nb;
    });
  }
  function fillSelect(id, key) {
    var s = document.getElementById(id);
    s.appendChild(el("option", { value: "" }, "all"));
    uniq(key).forEach(function (v) { s.appendChild(el("option", { value: v }, v)); });
  }

  // ---- the machine and its noise floor
  var m = document.getElementById("machine");
  var tbl = el("table", { "class": "kv" });
  [["machine", M.label], ["host name(s) its runs recorded", M.hosts.join(", ") || "?"],
   ["runs", D.runs.length + " (" + D.runs.filter(function (r) { return r[3]; }).length + " started on a busy machine)"],
   ["noise floor", M.floor + "%"], ["where the floor comes from", M.floor_src]].forEach(function (kv) {
    var r = el("tr");
    r.appendChild(el("th", {}, kv[0]));
    r.appendChild(el("td", {}, kv[1]));
    tbl.appendChild(r);
  });
  m.appendChild(tbl);

  // ---- flag table
  var fdiv = document.getElementById("flags");
  if (!D.flags.length) {
    fdiv.appendChild(el("p", {}, "No confirmed change on this machine."));
  } else {
    var ft = el("table");
    var h = el("tr");
    ["flag", "implementation", "alg", "op", "size (B)", "threads", "change", "z",
      "MB/s (baseline)", "run", "baseline runs"].forEach(function (x) { h.appendChild(el("th", {}, x)); });
    ft.appendChild(h);
    D.flags.slice().sort(function (a, b) { return a.chg - b.chg; }).forEach(function (f) {
      var r = el("tr", { "class": f.flag });
      r.appendChild(el("td", {}, f.flag));
      r.appendChild(el("td", {}, f.impl));
      r.appendChild(el("td", {}, f.alg));
      r.appendChild(el("td", {}, f.op));
      r.appendChild(el("td", { "class": "num" }, String(f.size)));
      r.appendChild(el("td", { "class": "num" }, String(f.threads)));
      r.appendChild(el("td", { "class": "num" }, (f.chg > 0 ? "+" : "") + f.chg.toFixed(1) + "%"));
      r.appendChild(el("td", { "class": "num" }, f.z.toFixed(1)));
      r.appendChild(el("td", { "class": "num" }, fmt(f.mb) + " (" + fmt(f.base) + ")"));
      var c = el("td"); c.appendChild(runLink(f.run)); r.appendChild(c);
      var b = el("td");
      f.base_runs.forEach(function (x, i) { if (i) b.appendChild(document.createTextNode(", ")); b.appendChild(runLink(x)); });
      r.appendChild(b);
      ft.appendChild(r);
    });
    fdiv.appendChild(ft);
  }

  // ---- filters
  fillSelect("f-alg", "alg");
  fillSelect("f-op", "op");
  fillSelect("f-size", "size");
  fillSelect("f-threads", "threads");
  var flaggedBox = document.getElementById("f-flagged");
  flaggedBox.checked = D.flags.length > 0;
  // The overview links here with #alg=...&flagged=1 or #sid=N: preset the filters.
  var hashArgs = {};
  location.hash.replace(/^#/, "").split("&").forEach(function (kv) {
    var p = kv.split("=");
    if (p[0]) hashArgs[decodeURIComponent(p[0])] = decodeURIComponent(p[1] || "");
  });
  ["alg", "op", "size", "threads"].forEach(function (k) {
    if (hashArgs[k] !== undefined) document.getElementById("f-" + k).value = hashArgs[k];
  });
  if (hashArgs.flagged !== undefined) flaggedBox.checked = hashArgs.flagged === "1";
  if (hashArgs.sid) flaggedBox.checked = false;

  function current() {
    var v = function (id) { return document.getElementById(id).value; };
    return { sid: hashArgs.sid || "", alg: v("f-alg"), op: v("f-op"), size: v("f-size"),
      threads: v("f-threads"), impl: v("f-impl").trim(), order: v("f-order"), flagged: flaggedBox.checked };
  }
  function matches(s, f) {
    if (f.sid && String(s.id) !== f.sid) return false;
    if (f.alg && s.alg !== f.alg) return false;
    if (f.op && s.op !== f.op) return false;
    if (f.size && String(s.size) !== f.size) return false;
    if (f.threads && String(s.threads) !== f.threads) return false;
    if (f.impl && s.impl.indexOf(f.impl) < 0 && (s.isa || "").indexOf(f.impl) < 0) return false;
    if (f.flagged && !s.flagged) return false;
    return true;
  }

  // Points in the order asked for: by time; by project commit (commits in the
  // order they first appear, runs of one commit by time); by library version
  // (natural order of the version strings, then time).
  function ordered(pts, order) {
    var p = pts.slice();
    if (order === "commit") {
      var first = {};
      p.forEach(function (x) { if (!(x.commit in first) || x.t < first[x.commit]) first[x.commit] = x.t; });
      p.sort(function (a, b) { return first[a.commit] < first[b.commit] ? -1 : first[a.commit] > first[b.commit] ? 1 : (a.t < b.t ? -1 : 1); });
    } else if (order === "version") {
      p.sort(function (a, b) {
        var c = a.version.localeCompare(b.version, "en", { numeric: true });
        return c || (a.t < b.t ? -1 : 1);
      });
    } else {
      p.sort(function (a, b) { return a.t < b.t ? -1 : a.t > b.t ? 1 : 0; });
    }
    return p;
  }

  function niceTicks(lo, hi, n) {
    var span = hi - lo || Math.abs(hi) || 1;
    var step = Math.pow(10, Math.floor(Math.log10(span / n)));
    var err = span / n / step;
    if (err >= 7.5) step *= 10; else if (err >= 3.5) step *= 5; else if (err >= 1.5) step *= 2;
    var t = [];
    for (var v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) t.push(v);
    return t;
  }

  function chart(s, order) {
    var W = 400, H = 190, L = 56, R = 10, T = 8, B = 40;
    var pts = ordered(pointsOf(s), order);
    var ys = [];
    pts.forEach(function (p) { ys.push(p.mb); if (p.lo !== null) ys.push(p.lo); if (p.hi !== null) ys.push(p.hi); if (p.base) ys.push(p.base); });
    var lo = Math.min.apply(null, ys), hi = Math.max.apply(null, ys);
    var pad = (hi - lo) * 0.08 || hi * 0.05 || 1;
    lo = Math.max(0, lo - pad); hi = hi + pad;
    var X = function (i) { return L + (pts.length === 1 ? (W - L - R) / 2 : i * (W - L - R) / (pts.length - 1)); };
    var Y = function (v) { return T + (H - T - B) * (1 - (v - lo) / (hi - lo)); };
    var g = sv("svg", { "class": "chart", viewBox: "0 0 " + W + " " + H, role: "img",
      "aria-label": s.impl + " " + s.alg + " " + s.op + " " + s.size + " B history" });
    niceTicks(lo, hi, 4).forEach(function (v) {
      g.appendChild(sv("line", { "class": "grid", x1: L, x2: W - R, y1: Y(v), y2: Y(v) }));
      g.appendChild(sv("text", { x: L - 4, y: Y(v) + 3, "text-anchor": "end" }, fmt(v)));
    });
    g.appendChild(sv("line", { "class": "axis", x1: L, x2: L, y1: T, y2: H - B }));
    g.appendChild(sv("line", { "class": "axis", x1: L, x2: W - R, y1: H - B, y2: H - B }));
    g.appendChild(sv("text", { x: 12, y: (H - B + T) / 2, transform: "rotate(-90 12 " + ((H - B + T) / 2) + ")", "text-anchor": "middle" }, "MB/s"));
    var xl = order === "commit" ? "runs by project commit" : order === "version" ? "runs by library version" : "runs by time";
    g.appendChild(sv("text", { x: (L + W - R) / 2, y: H - 4, "text-anchor": "middle" }, xl + " (" + pts.length + ")"));
    var lab = function (p) { return order === "commit" ? (p.commit || "?") : order === "version" ? p.version.slice(0, 18) : p.t.slice(0, 16).replace("T", " "); };
    g.appendChild(sv("text", { x: X(0), y: H - B + 13, "text-anchor": pts.length === 1 ? "middle" : "start" }, lab(pts[0])));
    if (pts.length > 1) g.appendChild(sv("text", { x: X(pts.length - 1), y: H - B + 13, "text-anchor": "end" }, lab(pts[pts.length - 1])));
    var d = "";
    pts.forEach(function (p, i) { d += (i ? "L" : "M") + X(i).toFixed(1) + " " + Y(p.mb).toFixed(1); });
    // (contaminated points stay on the line: they are what was measured)
    g.appendChild(sv("path", { "class": "line", d: d }));
    pts.forEach(function (p, i) {
      if (p.lo !== null && p.hi !== null)
        g.appendChild(sv("line", { "class": "ci", x1: X(i), x2: X(i), y1: Y(p.lo), y2: Y(p.hi) }));
      if ((p.flag === "regression" || p.flag === "improvement") && p.base)
        g.appendChild(sv("line", { "class": "base", x1: X(Math.max(0, i - 1)) - 6, x2: X(i) + 6, y1: Y(p.base), y2: Y(p.base) }));
      var a = sv("a", { href: runHref(p.run) });
      var c = sv("circle", { "class": "pt" + (p.flag ? " " + p.flag : ""), cx: X(i), cy: Y(p.mb), r: (p.flag === "regression" || p.flag === "improvement") ? 4.5 : 3 });
      c.appendChild(sv("title", {}, p.t + "  run " + p.run + "\n" + fmt(p.mb) + " MB/s" +
        (p.chg !== null ? "  " + (p.chg > 0 ? "+" : "") + p.chg.toFixed(1) + "% vs baseline (z " + p.z.toFixed(1) + ")" : "") +
        "\ncommit " + p.commit + "  version " + p.version + (p.flag ? "\n" + p.flag.toUpperCase() : "") +
        (p.why ? "\nleft out of baselines: " + p.why : "")));
      a.appendChild(c);
      g.appendChild(a);
    });
    return g;
  }

  function render() {
    var f = current();
    var sel = D.series.filter(function (s) { return matches(s, f); });
    sel.sort(function (a, b) {
      if (a.flagged !== b.flagged) return a.flagged ? -1 : 1;
      return (a.alg + a.op + a.impl).localeCompare(b.alg + b.op + b.impl) || a.size - b.size || a.threads - b.threads;
    });
    var box = document.getElementById("charts");
    box.textContent = "";
    sel.slice(0, shown).forEach(function (s) {
      var card = el("div", { "class": "card" + (s.flagged ? " flagged" : ""), "data-sid": s.id });
      var ts = pointsOf(s).map(function (p) { return p.t; }).sort();
      card.appendChild(el("h3", {}, s.impl + " \u00b7 " + s.alg + " " + s.op + " \u00b7 " + s.size + " B \u00b7 " + s.threads + " thr"));
      card.appendChild(el("p", { "class": "sub" }, ts[0].slice(0, 10) +
        (ts.length > 1 ? " \u2026 " + ts[ts.length - 1].slice(0, 10) : "") + " \u00b7 ISA " + s.isa + " \u00b7 AAD " + s.aad + " B"));
      card.appendChild(chart(s, f.order));
      box.appendChild(card);
    });
    document.getElementById("count").textContent = sel.length + " series match; showing " + Math.min(shown, sel.length) + ".";
    document.getElementById("more").style.display = sel.length > shown ? "" : "none";
    return Math.min(shown, sel.length);
  }

  ["f-alg", "f-op", "f-size", "f-threads", "f-order", "f-flagged"].forEach(function (id) {
    document.getElementById(id).addEventListener("change", function () { shown = PAGE; hashArgs.sid = ""; render(); });
  });
  document.getElementById("f-impl").addEventListener("input", function () { shown = PAGE; render(); });
  document.getElementById("more").addEventListener("click", function () { shown += PAGE; render(); });

  var n = render();
  // Self-check: every card drawn has a chart with one point per run.
  var cards = document.querySelectorAll("#charts .card");
  var bad = [];
  cards.forEach(function (c) {
    var s = D.series[Number(c.getAttribute("data-sid"))];
    var got = c.querySelectorAll("svg.chart circle.pt").length;
    if (got !== s.r.length) bad.push(s.impl + " " + s.size + ": " + got + " of " + s.r.length + " points");
  });
  var sc = document.getElementById("selfcheck");
  if (bad.length || (D.series.length && !n)) {
    sc.setAttribute("data-status", "error");
    sc.textContent = "self-check failed: " + (bad.join("; ") || "no chart drawn");
  } else {
    sc.setAttribute("data-status", "ok");
    sc.setAttribute("data-charts", String(n));
    sc.textContent = "self-check ok: " + n + " charts drawn, " + D.series.length + " series, " + D.flags.length + " flags";
  }
})();
