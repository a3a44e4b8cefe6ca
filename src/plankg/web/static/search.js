// Suggestions as you type in the search box: names from /search (JSON) in a <datalist>, which the
// browser shows and lets people pick by keyboard or touch. No outside service; at most one request
// in flight, and none for fewer than two characters.
(function () {
  "use strict";
  var input = document.getElementById("search-q");
  var list = document.getElementById("search-suggestions");
  if (!input || !list || !window.fetch) { return; }
  var lang = document.documentElement.lang || "da";
  var timer = null, asked = "";
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var text = input.value.trim();
      if (text.length < 2 || text === asked) { return; }
      asked = text;
      fetch("/search?format=json&limit=8&lang=" + lang + "&q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          list.textContent = "";
          data.results.forEach(function (hit) {
            var option = document.createElement("option");
            option.value = hit.name;
            option.label = hit.name + " (" + hit.kind + ")";
            list.appendChild(option);
          });
        })
        .catch(function () { list.textContent = ""; });
    }, 150);
  });
}());
