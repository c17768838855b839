// The cookie banner answers without reloading the page; without JavaScript the form posts.
(function () {
  "use strict";
  var banner = document.getElementById("consent-banner");
  if (!banner || !window.fetch || !window.FormData) {
    return;
  }
  var form = banner.querySelector("form");
  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (!button) {
      return; // old browsers: the ordinary form post still works
    }
    event.preventDefault();
    var data = new FormData(form);
    data.set("choice", button.value);
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("consent " + response.status);
      }
      return response.json();
    }).then(function (answer) {
      banner.hidden = true;
      var main = document.getElementById("main");
      if (main) {
        main.focus(); // the focused button disappeared with the banner
      }
      var status = document.createElement("p");
      status.className = "visually-hidden";
      status.setAttribute("role", "status");
      status.textContent = answer.message;
      document.body.appendChild(status);
    }).catch(function () {
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = "choice";
      hidden.value = button.value;
      form.appendChild(hidden);
      form.submit();
    });
  });
})();
