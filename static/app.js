// Progressive touches; every page works without them.
// A print button (hidden without JavaScript) prints the page in its A4 layout.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () {
    window.print();
  });
});
