// Progressive touches; every page works without them.
// A print button (hidden without JavaScript) prints the page in its A4 layout.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () {
    window.print();
  });
});

// The hall's screen (/public/screen) shows the latest published figures: it reloads itself.
var refresh = Number(document.body.dataset.refresh);
if (refresh > 0) {
  setTimeout(function () {
    window.location.reload();
  }, refresh * 1000);
}
