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
