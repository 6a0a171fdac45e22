// lite/build.py adds this file to the site's notebook page. It does two things while the page loads:
//
// - It starts the notebook's kernel early (issue 22): as soon as JupyterLite's services and the Pyodide kernel are
//   registered (window.jupyterapp, exposed by the site's jupyter-lite.json), it starts a session for the notebook
//   named in the address (?path=...). When the notebook has loaded, its session context finds that session by its
//   path and joins it: Python starts while the page draws the notebook instead of after.
// - While Python starts, it says so: a status line at the top of the page, read out by screen readers
//   (role=status, aria-live=polite), with an indeterminate progress bar. It follows that session's kernel (or,
//   without one, the notebook's own) and goes away once the kernel is ready (its first "idle"), after saying so.
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

  let early = null;  // the session started early, once it has a kernel

  function sessionContext() {  // what has a statusChanged signal and a kernelDisplayStatus
    if (early) return early;
    const app = window.jupyterapp;
    const widget = app && app.shell && app.shell.currentWidget;
    const context = widget && widget.sessionContext;
    return context && context.session ? context : null;
  }

  async function kernelName(kernelspecs) {  // the Pyodide kernel's extension registers it a moment after start
    for (let tries = 0; tries < 400; tries++) {
      const specs = kernelspecs.specs;
      if (specs && specs.default && specs.kernelspecs[specs.default]) return specs.default;
      await new Promise((resolve) => setTimeout(resolve, 25));
      await kernelspecs.refreshSpecs();
    }
    throw new Error("no kernel was registered within 10 s");
  }

  async function startEarly(manager, path) {
    await manager.ready;
    const name = await kernelName(manager.kernelspecs);
    await manager.sessions.refreshRunning();
    if ([...manager.sessions.running()].some((model) => model.path === path)) return;
    const session = await manager.sessions.startNew(
      { path, name: path.split("/").pop(), type: "notebook", kernel: { name } });
    early = {
      statusChanged: session.statusChanged,
      get kernelDisplayStatus() { return session.kernel ? session.kernel.status : "starting"; },
    };
  }

  function startKernel() {
    const path = new URLSearchParams(location.search).get("path");
    if (!path || !path.endsWith(".ipynb")) return;
    const timer = setInterval(() => {
      const manager = window.jupyterapp && window.jupyterapp.serviceManager;
      if (!manager) return;
      clearInterval(timer);
      startEarly(manager, path).catch((error) => {
        console.warn(`The kernel was not started early (${error}); it starts with the notebook.`);
      });
    }, 20);
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
    startKernel();
    watch(bar());
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
