/* S3 Atlas: copy-link and presentation keyboard shortcuts. Loaded from the app (no CDN). */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  s3: {
    copyUrl: function () { return window.location.href; }
  }
});

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
    if (e.altKey || e.ctrlKey || e.metaKey || typing(e.target)) return;
    var present = document.querySelector(".mode-present");
    // Stepping through a story works wherever the stepper is shown.
    if ((e.key === "ArrowRight" || e.key === "PageDown") && click("#step-next")) { e.preventDefault(); return; }
    if ((e.key === "ArrowLeft" || e.key === "PageUp") && click("#step-prev")) { e.preventDefault(); return; }
    if (!present) return;
    if (e.key === "m") {  // switch map mode
      click("#ex-mode input:not(:checked)");
    } else if (e.key === "f") {  // show the filters and put the cursor in the keyword box
      var panel = document.querySelector("#ex-filters-collapse");
      if (panel && !panel.classList.contains("show")) click("#ex-filters-toggle");
      setTimeout(function () { var q = document.querySelector("#ex-q"); if (q) q.focus(); }, 150);
      e.preventDefault();
    } else if (e.key === "Escape") {
      click("#present-link");
    }
  });
})();
