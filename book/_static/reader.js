// Accessibility fixes for the theme's own buttons, found by axe-core (rule label-content-name-mismatch):
// a control's accessible name must contain the text it shows. Loaded by html_js_files in _config.yml.
function nameButtonsByTheirLabels() {
  // The search button shows "Search Ctrl+K" but is labelled "Search": let its text name it.
  for (const button of document.querySelectorAll(".search-button-field[aria-label]")) {
    button.removeAttribute("aria-label");
  }
  // Icons are decoration, whether still <i> or already drawn as <svg> by Font Awesome: their titles
  // ("Light", "Dark", …) are not the button's name, which its aria-label gives ("Color mode").
  for (const icon of document.querySelectorAll("button[aria-label] i[class*='fa-'], button[aria-label] svg")) {
    icon.setAttribute("aria-hidden", "true");
    icon.removeAttribute("title");
    icon.querySelector("title")?.remove();
  }
}
document.addEventListener("DOMContentLoaded", nameButtonsByTheirLabels);
window.addEventListener("load", nameButtonsByTheirLabels);  // after Font Awesome has replaced its <i> icons

// A display equation wider than a phone's page scrolls inside its own box (MathJax gives it overflow-x: auto),
// so the page itself never scrolls sideways. A keyboard must reach such a box to scroll it (axe-core rule
// scrollable-region-focusable): those that scroll at the current width get a tab stop, the others none.
function focusWideEquations() {
  for (const box of document.querySelectorAll('mjx-container[display="true"]')) {
    if (box.scrollWidth > box.clientWidth + 1) {
      box.setAttribute("tabindex", "0");
    } else {
      box.removeAttribute("tabindex");
    }
  }
}
window.addEventListener("load", () => window.MathJax?.startup?.promise?.then(focusWideEquations));
window.addEventListener("resize", focusWideEquations);
