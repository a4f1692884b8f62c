// The theme opens its header links in a new tab; the other language's page replaces this one.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("a.btn-language-switch").forEach(function (link) {
    link.removeAttribute("target");
    link.setAttribute("lang", link.textContent.trim() === "English" ? "en" : "ko");
  });
});
