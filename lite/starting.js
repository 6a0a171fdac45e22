// While Python starts in the page, say so: a status line at the top of the notebook, read out by screen readers
// (role=status, aria-live=polite), with an indeterminate progress bar. lite/build.py adds this file to the site's
// notebook page. It finds the notebook's kernel session in JupyterLite's app (window.jupyterapp, exposed by the
// site's jupyter-lite.json), follows its status signal, and goes away once the kernel is ready (its first
// "idle"), after saying so.
(function () {
  "use strict";
  const TEXT = {
    page: "Loading the notebook…",
    python: "Starting Python in your browser… loading the course package. " +
      "You can press Shift+Enter already: the cell runs as soon as Python is ready.",
    ready: "Python is ready.",
    failed: "Python did not start. Reload the page; if that does not help, download the notebook and run it in Jupyter.",
  };
  const READY = new Set(["idle"]);
  const FAILED = new Set(["dead", "autorestarting"]);

  function bar() {
    const box = document.createElement("div");
    box.id = "course-python-status";
    box.setAttribute("role", "status");
    box.setAttribute("aria-live", "polite");
    box.style.cssText = "position:fixed;top:0;left:0;right:0;z-index:2000;padding:6px 12px;font:14px/1.4 " +
      "system-ui,sans-serif;background:#fff8e1;color:#3e2723;border-bottom:1px solid #d7c27a;display:flex;" +
      "gap:12px;align-items:center";
    const text = document.createElement("span");
    const progress = document.createElement("progress");  // no value: indeterminate
    progress.setAttribute("aria-hidden", "true");
    progress.style.cssText = "flex:0 0 120px";
    box.append(progress, text);
    document.body.append(box);
    return { box, text, progress };
  }

  function sessionContext() {
    const app = window.jupyterapp;
    const widget = app && app.shell && app.shell.currentWidget;
    const context = widget && widget.sessionContext;
    return context && context.session ? context : null;
  }

  function watch(ui) {
    let shown = "";
    const show = (key) => {
      if (key === shown) return;
      ui.text.textContent = TEXT[key];
      ui.box.dataset.state = key;
      shown = key;
      if (key === "ready" || key === "failed") ui.progress.remove();
      if (key === "ready") setTimeout(() => { ui.box.hidden = true; }, 2500);
    };
    show("page");
    const timer = setInterval(() => {  // until the notebook has a kernel session; then its own signal
      const context = sessionContext();
      if (!context) return;
      clearInterval(timer);
      const update = (_, status) => {
        if (shown === "ready" || shown === "failed") return;
        if (READY.has(status)) show("ready");
        else if (FAILED.has(status)) show("failed");
        else show("python");
      };
      context.statusChanged.connect(update);
      update(context, context.kernelDisplayStatus);
    }, 100);
  }

  function start() {
    watch(bar());
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
