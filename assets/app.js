/* S3 Atlas: copy link, navbar menu, page titles and focus after navigation, skip link, presentation
   keyboard shortcuts, phone legend, region finders' options, map view buttons, static islands and their links, table
   rows' details on opening, removal of the first-paint copy. Loaded from the app (no CDN). */
(function () {
  // dcc.Graph loads plotly.js on first use from window._dashPlotlyJSURL, which Dash's renderer sets
  // to the full plotly.min.js (4.8 MB). The app's partial bundle (choropleth, scattergeo, scatter,
  // bar; tools/plotly-bundle) is used instead, loaded after the page's first render.
  var meta = document.querySelector('meta[name="s3-plotly"]');
  if (!meta || window.Plotly) return;
  var url = meta.getAttribute("content");
  Object.defineProperty(window, "_dashPlotlyJSURL", {
    configurable: true, get: function () { return url; }, set: function () { /* keep the partial bundle */ }
  });
})();

function fold(text) {
  // lower case without accents, as the server folds the finder's "search" texts
  return String(text).toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
}
var regionLists = {};
var finderTurns = {};
function fetchJson(url, tries) {
  // a busy server may drop a request: two more tries, half a second apart
  return fetch(url, { credentials: "same-origin" }).then(function (r) {
    if (!r.ok) throw new Error("region list " + r.status);
    return r.json();
  }).catch(function (err) {
    if (tries <= 1) throw err;
    return new Promise(function (ok) { setTimeout(ok, 500); }).then(function () { return fetchJson(url, tries - 1); });
  });
}
function regionList(url) {
  if (!regionLists[url]) {
    regionLists[url] = fetchJson(url, 3);
    regionLists[url].catch(function () { delete regionLists[url]; });  // try again on the next keystroke
  }
  return regionLists[url];
}

// Static islands (components/static.py): a part of a page sent as HTML, drawn as one element.
window.s3_static = {
  StaticHtml: function (props) {
    return window.React.createElement("div", { className: props.className, dangerouslySetInnerHTML: { __html: props.html || "" } });
  }
};
// Links in islands that were dcc.Links change the page as dcc.Link does: no reload.
document.addEventListener("click", function (e) {
  var a = e.target.closest && e.target.closest("a[data-dash-link]");
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  if (a.target && a.target !== "_self") return;
  var url = new URL(a.getAttribute("href"), window.location.href);
  if (url.origin !== window.location.origin || !a.closest(".static-html")) return;
  e.preventDefault();
  window.history.pushState({}, "", url.pathname + url.search + url.hash);
  window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
  window.scrollTo(0, 0);
});

// Buttons that set one parameter of the page's URL (the explorer's map view): the rest of the URL
// is kept as it is, and the page follows the URL as after a link.
document.addEventListener("click", function (e) {
  var b = e.target.closest && e.target.closest("button[data-url-param]");
  if (!b) return;
  var name = b.getAttribute("data-url-param"), value = b.getAttribute("data-url-value") || "";
  var kept = window.location.search.replace(/^\?/, "").split("&").filter(function (part) {
    var key = part.split("=")[0];
    try { key = decodeURIComponent(key); } catch (err) { /* a malformed key is kept as it is */ }
    return part && key !== name;
  });
  if (value) kept.push(encodeURIComponent(name) + "=" + encodeURIComponent(value));
  var search = kept.length ? "?" + kept.join("&") : "";
  if (search === window.location.search) return;
  window.history.pushState({}, "", window.location.pathname + search + window.location.hash);
  window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
});

// The filters' close button (where they lie over the map) gives the focus back to their button.
document.addEventListener("click", function (e) {
  if (!(e.target.closest && e.target.closest("#ex-filters-close"))) return;
  var toggle = document.getElementById("ex-filters-toggle");
  if (toggle) toggle.focus();
});

// A dropdown opened by a click puts the caret in its search box. dcc.Dropdown does so itself only
// when it has options to show, and a region finder opens with none (they come as the user types):
// without this, the box opened with the caret still on the closed trigger.
document.addEventListener("click", function (e) {
  var trigger = e.target.closest && e.target.closest("button.dash-dropdown");
  if (!trigger) return;
  var frames = 0;
  (function focusSearch() {  // over the next few frames, as the box opens
    var box = trigger.getAttribute("aria-expanded") === "true" &&
      document.getElementById(trigger.getAttribute("aria-controls") || "");
    var search = box && box.querySelector("input.dash-dropdown-search");
    if (!search) { if (++frames < 10) window.requestAnimationFrame(focusSearch); return; }
    if (!box.contains(document.activeElement)) search.focus();  // not when the dropdown focused an option
  })();
});

// A table row (details.pt-item) opened for the first time loads its detail from the URL its
// detail box names (the explorer's priority-detail route): the rows come without it.
document.addEventListener("toggle", function (e) {
  var row = e.target;
  if (!row.open || !row.matches || !row.matches("details.pt-item")) return;
  var box = row.querySelector(".pt-detail[data-detail]");
  if (!box || box.childElementCount || box.getAttribute("data-loading")) return;
  box.setAttribute("data-loading", "1");
  fetch(box.getAttribute("data-detail"), { credentials: "same-origin" }).then(function (r) {
    if (!r.ok) throw new Error("detail " + r.status);
    return r.text();
  }).then(function (html) {
    box.innerHTML = html;  // written by the server from escaped text (components/static.py)
  }).catch(function () {
    box.textContent = "The details of this priority could not be loaded. Close and open the row to try again.";
  }).then(function () { box.removeAttribute("data-loading"); });
}, true);  // toggle does not bubble: caught on its way down

window.dash_clientside = Object.assign({}, window.dash_clientside, {
  s3: {
    // The explorer's download links follow its URL, in the browser (no request to the server).
    exportLinks: function (search, bases) {
      return (bases || []).map(function (base) { return base + (search || ""); });
    },
    // On a phone (the filters folded above the map), a search run from the keyword box (Enter, or
    // the keyboard's search key) folds the filters away: the count line and the map come into view.
    // Not while typing: that would hide the box under the user's fingers.
    foldFilters: function (nSubmit) {
      var nu = window.dash_clientside.no_update;
      if (!nSubmit || !window.matchMedia("(max-width: 991.98px)").matches) return nu;
      var box = document.getElementById("ex-q");
      if (box) box.blur();  // the on-screen keyboard closes
      return false;
    },
    copyUrl: function () {
      var url = window.location.href;
      function fallback() {
        var t = document.createElement("textarea");
        t.value = url; t.setAttribute("readonly", ""); t.style.position = "fixed"; t.style.opacity = "0";
        document.body.appendChild(t); t.select();
        try { document.execCommand("copy"); } catch (e) { /* nothing more to try */ }
        document.body.removeChild(t);
      }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(url).catch(fallback);
      } else {
        fallback();
      }
      return "copied";
    },
    legend: function (fig) {
      // The explorer map's colour classes as HTML (shown under the map on phones, where the
      // plotly colour bar would cover half the map).
      var ca = fig && fig.layout && fig.layout.coloraxis;
      if (!ca || !ca.colorbar || !ca.colorscale) return [];
      var cb = ca.colorbar, vals = cb.tickvals || [], texts = cb.ticktext || [], cs = ca.colorscale;
      var lo = ca.cmin, hi = ca.cmax;
      function colorAt(v) {
        var t = (v - lo) / ((hi - lo) || 1), c = cs[0][1];
        for (var i = 0; i < cs.length; i++) { if (cs[i][0] <= t + 1e-9) c = cs[i][1]; }
        return c;
      }
      function span(props) { return { type: "Span", namespace: "dash_html_components", props: props }; }
      var title = [];  // the colour bar's title, its <br> as line breaks
      String((cb.title && cb.title.text) || "").split(/<br\s*\/?>/i).forEach(function (line, i) {
        if (i) title.push({ type: "Br", namespace: "dash_html_components", props: {} });
        title.push(line);
      });
      var items = [span({ className: "legend-title", children: title })];
      for (var i = vals.length - 1; i >= 0; i--) {
        items.push(span({ className: "legend-item", children: [
          span({ className: "legend-swatch", style: { background: colorAt(vals[i]) } }), String(texts[i] || "")] }));
      }
      return items;
    },
    regionFinder: function (search, value, url) {
      // A region finder's options while the user types: the chosen regions, then up to 50 regions
      // whose name or code holds every typed word (accents ignored). The full list (~2,000 regions)
      // is fetched once, on the first keystroke. Nothing changes while the box is empty.
      var nu = window.dash_clientside.no_update;
      var words = fold(search || "").split(/\s+/).filter(Boolean);
      if (!words.length || !url) return nu;
      var out = (window.dash_clientside.callback_context.outputs_list || {}).id || "";
      var turn = (finderTurns[out] = (finderTurns[out] || 0) + 1);
      return regionList(url).then(function (all) {
        if (turn !== finderTurns[out]) return nu;  // the user typed on: a later call answers
        var chosen = [].concat(value || []);
        var keep = all.filter(function (o) { return chosen.indexOf(o.value) >= 0; });
        var hits = [];
        for (var i = 0; i < all.length && hits.length < 50; i++) {
          var o = all[i];
          if (chosen.indexOf(o.value) < 0 && words.every(function (w) { return o.search.indexOf(w) >= 0; })) hits.push(o);
        }
        return keep.concat(hits);
      }).catch(function () { return nu; });
    },
    codeOptions: function (search, options) {
      // A classification's options in the order that answers what was typed (the dropdown lists
      // them in this order and Enter picks the first): the code itself ("C" is section C, "10" or
      // "C.10" division 10), then the codes under it, then names that start with the text, names
      // with a word that starts with it, the rest. Sections before divisions, then by code.
      // Each option's "search" is its code and name, folded (components/options.py).
      var q = fold(search || "").trim();
      function rank(o) {
        if (!q) return 0;
        var s = String(o.search || ""), cut = s.indexOf(" ");
        var code = cut < 0 ? s : s.slice(0, cut), name = cut < 0 ? "" : s.slice(cut + 1);
        var value = fold(o.value);
        if (code === q || value === q) return 0;
        if (code.indexOf(q + ".") === 0 || (code.indexOf(".") > 0 && value.indexOf(q) === 0)) return 1;
        if (name.indexOf(q) === 0) return 2;
        if (name.indexOf(" " + q) >= 0) return 3;
        return 4;
      }
      function division(o) { return String(o.search || "").split(" ")[0].indexOf(".") > 0 ? 1 : 0; }
      var keyed = (options || []).map(function (o) { return [rank(o), division(o), String(o.value), o]; });
      keyed.sort(function (a, b) {
        return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0);
      });
      var sorted = keyed.map(function (k) { return k[3]; });
      var same = sorted.every(function (o, i) { return o === options[i]; });
      return same ? window.dash_clientside.no_update : sorted;
    },
    toggleNav: function (n, pathname, isOpen) {
      var trig = (window.dash_clientside.callback_context.triggered || [])[0] || {};
      if ((trig.prop_id || "").indexOf("nav-toggle") === 0) return !isOpen;
      return false;
    }
  }
});

(function () {
  // Page title from the page's h1, and focus moved to that h1 after a page change (not on the
  // first load, and not when only the query string changes, e.g. a filter).
  var lastPath = window.location.pathname;
  var firstTitle = document.title;
  var pending = false;
  function pageHeading() { return document.querySelector("#page h1"); }
  function update() {
    pending = false;
    var h1 = pageHeading();
    if (!h1) return;
    var text = (h1.textContent || "").replace(/\s+/g, " ").trim();
    var title = text ? text + " · S3 Atlas" : firstTitle;
    if (document.title !== title) document.title = title;
    if (window.location.pathname !== lastPath) {
      lastPath = window.location.pathname;
      if (!h1.hasAttribute("tabindex")) h1.setAttribute("tabindex", "-1");
      h1.focus({ preventScroll: false });
    }
  }
  function watch() {
    var page = document.getElementById("page");
    if (!page) { setTimeout(watch, 100); return; }
    new MutationObserver(function () {
      if (!pending) { pending = true; window.requestAnimationFrame(update); }
    }).observe(page, { childList: true, subtree: true });
    update();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watch); else watch();

  // The skip link focuses the page's heading (or main) without putting a #fragment into the URL,
  // which is the view's state.
  document.addEventListener("click", function (e) {
    var a = e.target.closest ? e.target.closest(".skip-link") : null;
    if (!a) return;
    e.preventDefault();
    var target = pageHeading() || document.getElementById("page");
    if (target) {
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus();
    }
  });
})();

(function () {
  function typing(el) {
    if (!el) return false;
    var tag = (el.tagName || "").toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || el.isContentEditable;
  }
  function click(selector) {
    var el = document.querySelector(selector);
    if (el) { el.click(); return true; }
    return false;
  }
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    var present = document.querySelector(".mode-present");
    // Esc leaves presentation mode from anywhere, the keyword box included (where it would also
    // clear the box), but first closes an open dropdown.
    if (e.key === "Escape" && present && !e.defaultPrevented &&
        !(e.target && e.target.closest && e.target.closest("[aria-expanded=true], .dash-dropdown-content"))) {
      e.preventDefault();
      click("#present-link");
      return;
    }
    if (typing(e.target)) return;  // letters and arrows type and move the caret in a text box
    // Stepping through a story works wherever the stepper is shown; in presentation mode outside a
    // story, the next key starts the first one.
    if (e.key === "ArrowRight" || e.key === "PageDown") {
      if (click("#step-next") || (present && !document.querySelector("#step-prev") && click(".stepper .story-start"))) {
        e.preventDefault(); return;
      }
    }
    if ((e.key === "ArrowLeft" || e.key === "PageUp") && click("#step-prev")) { e.preventDefault(); return; }
    if (!present) return;
    if (e.key === "m") {  // switch map mode
      click("#ex-mode input:not(:checked)");
    } else if (e.key === "f") {  // show the filters and put the cursor in the keyword box
      var panel = document.querySelector("#ex-filters-collapse");
      if (panel && !panel.classList.contains("show")) click("#ex-filters-toggle");
      setTimeout(function () { var q = document.querySelector("#ex-q"); if (q) q.focus(); }, 150);
      e.preventDefault();
    }
  });
})();

(function () {
  // Dash 4's dcc.Dropdown: (1) its focus-forwarding input is focusable yet aria-hidden (axe:
  // aria-hidden-focus); it gets the dropdown's label instead. (2) Its button is named by
  // "count, value", which is not the order on screen (axe: label-content-name-mismatch) and leaves
  // out the field's <label>; it is named by "label, value, count".
  function labelOf(btn) {
    var lab = btn.id ? document.querySelector('label[for="' + btn.id + '"]') : null;
    if (lab && !lab.id) lab.id = btn.id + "-label";
    return lab;
  }
  function fix(root) {
    var inputs = (root.querySelectorAll ? root : document).querySelectorAll("input.dash-dropdown-focus-target[aria-hidden]");
    for (var i = 0; i < inputs.length; i++) {
      var inp = inputs[i], btn = inp.nextElementSibling;
      inp.removeAttribute("aria-hidden");
      var lab = btn ? labelOf(btn) : null;
      var name = lab ? lab.textContent : (btn && (btn.getAttribute("aria-label") || btn.textContent)) || "Choose";
      inp.setAttribute("aria-label", name.replace(/\s+/g, " ").trim());
    }
    // dcc.Upload's file input has no label of its own: it takes the visible text of its drop zone.
    var files = document.querySelectorAll("input[type=file]:not([aria-label])");
    for (var f = 0; f < files.length; f++) {
      var zone = files[f].parentElement;
      files[f].setAttribute("aria-label", ((zone && zone.textContent) || "Upload a file").replace(/\s+/g, " ").trim());
    }
    // (3) Its "clear" control is an <a> without href: a button to assistive tech and crawlers.
    var clears = document.querySelectorAll("a.dash-dropdown-clear:not([role])");
    for (var c = 0; c < clears.length; c++) clears[c].setAttribute("role", "button");
    var btns = (root.querySelectorAll ? root : document).querySelectorAll("button.dash-dropdown[aria-labelledby]");
    for (var j = 0; j < btns.length; j++) {
      var b = btns[j];
      var ids = [];
      var l = labelOf(b);
      if (l) ids.push(l.id);
      [b.id + "-value", b.id + "-value-count"].forEach(function (id) { if (document.getElementById(id)) ids.push(id); });
      var want = ids.join(" ");
      if (want && b.getAttribute("aria-labelledby") !== want) b.setAttribute("aria-labelledby", want);
    }
  }
  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; fix(document); });
  }
  function start() {
    new MutationObserver(schedule).observe(document.body, {
      childList: true, subtree: true, attributes: true, attributeFilter: ["aria-hidden", "aria-labelledby"]
    });
    schedule();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();

(function () {
  // The page's plain-HTML copy from the first response stays until Dash has drawn the page in its
  // place (the live page is under it, so nothing moves), then goes.
  var copy = document.getElementById("ssr-page");
  if (!copy) return;
  var root = document.getElementById("react-entry-point");
  var observer;
  function remove() {
    if (observer) observer.disconnect();
    if (copy.parentNode) copy.parentNode.removeChild(copy);
  }
  function drawn() {
    var page = document.getElementById("page");
    return page && page.children.length > 0;
  }
  observer = new MutationObserver(function () {
    if (drawn()) { observer.disconnect(); requestAnimationFrame(function () { requestAnimationFrame(remove); }); }
  });
  if (root) observer.observe(root, { childList: true, subtree: true });
})();

(function () {
  // Tables that scroll sideways on a narrow screen (.scroll-cue around a .table-responsive): the
  // box is marked while its table is wider than it (data-overflow) and until it is scrolled to the
  // end (data-at-end), so the CSS shows a "scroll" hint and a shadow at the right edge only then.
  var pending = false;
  function mark() {
    pending = false;
    document.querySelectorAll(".scroll-cue").forEach(function (box) {
      var s = box.querySelector(".table-responsive");
      if (!s) return;
      var over = s.scrollWidth > s.clientWidth + 1;
      var end = s.scrollLeft + s.clientWidth >= s.scrollWidth - 2;
      if (over) box.setAttribute("data-overflow", ""); else box.removeAttribute("data-overflow");
      if (over && end) box.setAttribute("data-at-end", ""); else box.removeAttribute("data-at-end");
    });
  }
  function later() { if (!pending) { pending = true; window.requestAnimationFrame(mark); } }
  function watch() {
    new MutationObserver(later).observe(document.body, { childList: true, subtree: true });
    window.addEventListener("resize", later);
    document.addEventListener("scroll", function (e) {
      if (e.target && e.target.classList && e.target.classList.contains("table-responsive")) later();
    }, true);
    later();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watch); else watch();
})();
