/* nnlego's additions to the book theme (html_js_files in _config.yml).
 *
 * Display equations fit the text column: once MathJax has typeset the page (and whenever the
 * window changes size), an equation wider than its box is scaled down, by its font size, to
 * fit it. <html data-equations-fitted="N"> says how many were scaled (the browser checks and
 * scripts/book_pdf.py wait for it).
 */
(function () {
  "use strict";

  function fitEquations() {
    let scaled = 0;
    for (const eq of document.querySelectorAll('mjx-container[display="true"]')) {
      eq.style.fontSize = "";
      const need = eq.scrollWidth;
      const have = eq.clientWidth;
      if (have > 0 && need > have + 1) {
        const size = parseFloat(getComputedStyle(eq).fontSize);
        eq.style.fontSize = (size * have / need * 0.98).toFixed(2) + "px";
        scaled += 1;
      }
    }
    document.documentElement.dataset.equationsFitted = String(scaled);
  }

  function whenTypeset() {
    const startup = window.MathJax && window.MathJax.startup;
    if (startup && startup.promise) {
      startup.promise.then(fitEquations);
    } else if (!document.querySelector(".math")) {
      document.documentElement.dataset.equationsFitted = "0";
    } else {
      setTimeout(whenTypeset, 50);
    }
  }

  window.nnlegoFitEquations = fitEquations;
  let pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(fitEquations, 100);
  });
  window.addEventListener("beforeprint", fitEquations);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", whenTypeset);
  } else {
    whenTypeset();
  }
})();
